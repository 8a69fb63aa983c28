//! Upstream's Deployment arithmetic as pure functions (§3 and §5 of KUBERNETES-SEMANTICS.md):
//! fenceposts, `NewRSNewReplicas`, the rolling scale-down plan, proportional scaling, revision
//! annotations, history clean-up and rollout conditions. The controller only applies what these
//! decide; the upstream test tables test them row for row (`deployment_util_tests.rs`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use kubeplay_api::apps::{
    DeploymentStatus, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION,
    POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
};
use kubeplay_api::core::PodTemplateSpec;
use kubeplay_api::meta::Condition;
use kubeplay_api::{Deployment, IntOrString, ReplicaSet, Time};

/// `math.MaxInt32`: a progressDeadlineSeconds or revisionHistoryLimit of this value means "none".
const MAX_INT32: i32 = i32::MAX;

/// `deploymentutil.MaxRevHistoryLengthInChars`.
pub(crate) const MAX_REV_HISTORY_LENGTH_IN_CHARS: usize = 2000;

/// The annotations a Deployment does not pass on to its ReplicaSets (`annotationsToSkip`).
const ANNOTATIONS_TO_SKIP: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    "deprecated.deployment.rollback.to",
];

// Condition reasons (`deployment_util.go`).
pub(crate) const NEW_RS_REASON: &str = "NewReplicaSetCreated";
pub(crate) const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub(crate) const RS_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub(crate) const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub(crate) const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub(crate) const PAUSED_REASON: &str = "DeploymentPaused";
pub(crate) const RESUMED_REASON: &str = "DeploymentResumed";
pub(crate) const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";

/// A ReplicaSet's `spec.replicas` (1 when unset, as defaulting makes it).
pub(crate) fn spec(rs: &ReplicaSet) -> i64 {
    rs.replicas() as i64
}

/// `GetReplicaCountForReplicaSets`: Σ spec.replicas.
pub(crate) fn replica_count(rss: &[ReplicaSet]) -> i64 {
    rss.iter().map(spec).sum()
}

pub(crate) fn is_rolling(d: &Deployment) -> bool {
    d.spec.strategy.type_ != "Recreate"
}

/// `ResolveFenceposts` (§3.3): `(maxSurge, maxUnavailable)` resolved against `desired`; surge
/// rounds up, unavailability down, and both zero makes unavailability 1.
pub(crate) fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i64,
) -> Result<(i64, i64), String> {
    let surge = match max_surge {
        Some(v) => v.scaled_value(desired, true)?,
        None => 0,
    };
    let unavailable = match max_unavailable {
        Some(v) => v.scaled_value(desired, false)?,
        None => 0,
    };
    // IntOrString is an int32 upstream: keep absurd values from overflowing the sums below.
    let (surge, unavailable) = (
        surge.clamp(0, i32::MAX as i64),
        unavailable.clamp(0, i32::MAX as i64),
    );
    if surge == 0 && unavailable == 0 {
        // "Validation should never allow the user to explicitly use zero values for both maxSurge
        // maxUnavailable. Due to rounding down maxUnavailable though, it may resolve to zero."
        return Ok((0, 1));
    }
    Ok((surge, unavailable))
}

fn fenceposts(d: &Deployment) -> (i64, i64) {
    let ru = d.spec.strategy.rolling_update.as_ref();
    resolve_fenceposts(
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
        d.replicas() as i64,
    )
    .unwrap_or((0, 1))
}

/// `MaxSurge(d)`: 0 unless RollingUpdate.
pub(crate) fn max_surge(d: &Deployment) -> i64 {
    if !is_rolling(d) {
        return 0;
    }
    fenceposts(d).0
}

/// `MaxUnavailable(d)`: clamped to replicas; 0 for Recreate or zero replicas.
pub(crate) fn max_unavailable(d: &Deployment) -> i64 {
    let replicas = d.replicas() as i64;
    if !is_rolling(d) || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// `NewRSNewReplicas` (§3.4). `all_spec` is Σ spec.replicas over every ReplicaSet the caller
/// counts (upstream passes all of them, the new one included).
pub(crate) fn new_rs_new_replicas(d: &Deployment, all_spec: i64, new_spec: i64) -> i64 {
    let replicas = d.replicas() as i64;
    if !is_rolling(d) {
        return replicas;
    }
    let max_total = replicas + max_surge(d);
    if all_spec >= max_total {
        return new_spec;
    }
    new_spec + (max_total - all_spec).min(replicas - new_spec)
}

/// `reconcileNewReplicaSet`'s decision: the size to scale the new ReplicaSet to, or `None` when it
/// stays as it is.
pub(crate) fn reconcile_new_replica_set(
    d: &Deployment,
    all_spec: i64,
    new_spec: i64,
) -> Option<i64> {
    let replicas = d.replicas() as i64;
    let to = match new_spec.cmp(&replicas) {
        Ordering::Equal => return None,
        Ordering::Greater => replicas,
        Ordering::Less => new_rs_new_replicas(d, all_spec, new_spec),
    };
    (to != new_spec).then_some(to)
}

/// `ReplicaSetsByCreationTimestamp`: older first, then by name.
pub(crate) fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    a.metadata
        .creation_timestamp
        .cmp(&b.metadata.creation_timestamp)
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

/// One scaling decision: ReplicaSet `name` to `to` replicas, and why (for the activity log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScaleOp {
    pub name: String,
    pub to: i64,
    pub why: String,
}

/// `cleanupUnhealthyReplicas`: scales down old ReplicaSets' unavailable replicas, oldest first,
/// by at most `max_cleanup` in total. Mutates `old` (sorted by creation) as upstream's copies are,
/// and returns the operations and how many replicas were removed. An old ReplicaSet reporting more
/// available replicas than its spec (its status lags a scale-down) makes upstream fail the sync.
pub(crate) fn cleanup_unhealthy_replicas(
    old: &mut [ReplicaSet],
    max_cleanup: i64,
) -> Result<(Vec<ScaleOp>, i64), String> {
    old.sort_by(by_creation);
    let mut ops = Vec::new();
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let s = spec(rs);
        let available = rs.status.available_replicas as i64;
        if s == 0 || s == available {
            continue;
        }
        let n = (max_cleanup - total).min(s - available);
        let to = s - n;
        if to > s {
            return Err(format!(
                "when cleaning up unhealthy replicas, got invalid request to scale down {} {s} -> {to}",
                rs.metadata.name
            ));
        }
        rs.spec.replicas = Some(to as i32);
        total += n;
        ops.push(ScaleOp {
            name: rs.metadata.name.clone(),
            to,
            why: format!("{n} old replica(s) not available"),
        });
    }
    Ok((ops, total))
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: with `all` = the active old ReplicaSets and the new
/// one, scales old ones down (oldest first) by as much as availability above `minAvailable` allows.
pub(crate) fn scale_down_old_replica_sets_for_rolling_update(
    d: &Deployment,
    all: &[ReplicaSet],
    old: &mut [ReplicaSet],
) -> Result<(Vec<ScaleOp>, i64), String> {
    let min_available = d.replicas() as i64 - max_unavailable(d);
    let available: i64 = all
        .iter()
        .map(|rs| rs.status.available_replicas as i64)
        .sum();
    if available <= min_available {
        return Ok((Vec::new(), 0));
    }
    old.sort_by(by_creation);
    let budget = available - min_available;
    let mut ops = Vec::new();
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= budget {
            break;
        }
        let s = spec(rs);
        if s == 0 {
            continue;
        }
        let n = s.min(budget - total);
        let to = s - n;
        if to > s {
            return Err(format!(
                "when scaling down old replica sets, got invalid request to scale down {} {s} -> {to}",
                rs.metadata.name
            ));
        }
        rs.spec.replicas = Some(to as i32);
        total += n;
        ops.push(ScaleOp {
            name: rs.metadata.name.clone(),
            to,
            why: format!("{available} available, at least {min_available} must stay available"),
        });
    }
    Ok((ops, total))
}

/// `reconcileOldReplicaSets` (§3.5 step 3): `all` is every ReplicaSet (old and new),
/// `active_old` the old ones with spec.replicas > 0. Returns the scale-downs in upstream's order.
pub(crate) fn reconcile_old_replica_sets(
    d: &Deployment,
    all: &[ReplicaSet],
    active_old: &[ReplicaSet],
    new_rs: &ReplicaSet,
) -> Result<Vec<ScaleOp>, String> {
    if replica_count(active_old) == 0 {
        return Ok(Vec::new());
    }
    let all_pods = replica_count(all);
    let min_available = d.replicas() as i64 - max_unavailable(d);
    let new_unavailable = spec(new_rs) - new_rs.status.available_replicas as i64;
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Ok(Vec::new());
    }
    let mut old = active_old.to_vec();
    let (mut ops, _) = cleanup_unhealthy_replicas(&mut old, max_scaled_down)?;
    let mut all_now = old.clone();
    all_now.push(new_rs.clone());
    let (more, _) = scale_down_old_replica_sets_for_rolling_update(d, &all_now, &mut old)?;
    ops.extend(more);
    Ok(ops)
}

fn annotation_i64(rs: &ReplicaSet, key: &str) -> Option<i64> {
    rs.metadata.annotation(key).and_then(|v| v.parse().ok())
}

/// `IsSaturated`: the new ReplicaSet runs all replicas, all available.
pub(crate) fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else { return false };
    let replicas = d.replicas() as i64;
    let Some(desired) = annotation_i64(rs, DESIRED_REPLICAS_ANNOTATION) else {
        return false;
    };
    spec(rs) == replicas && desired == replicas && rs.status.available_replicas as i64 == replicas
}

/// `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from replicas.
pub(crate) fn is_scaling_event(d: &Deployment, all: &[ReplicaSet]) -> bool {
    all.iter().filter(|rs| spec(rs) > 0).any(|rs| {
        annotation_i64(rs, DESIRED_REPLICAS_ANNOTATION).is_some_and(|v| v != d.replicas() as i64)
    })
}

/// `GetProportion` with `getReplicaSetFraction` (§3.6), in upstream's floating-point order.
pub(crate) fn get_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i64, added: i64) -> i64 {
    if spec(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i64 {
    let replicas = d.replicas() as i64;
    if replicas == 0 {
        return -spec(rs);
    }
    let max_replicas = replicas + max_surge(d);
    let before = match annotation_i64(rs, MAX_REPLICAS_ANNOTATION) {
        Some(v) if v != 0 => v,
        // The annotation is missing (or 0): fall back to the Deployment's current size.
        _ => d.status.replicas as i64,
    };
    if before == 0 {
        return 0;
    }
    let new_size = (max_replicas as f64 / before as f64) * spec(rs) as f64;
    // `integer.RoundToInt32` is `math.Round`: half away from zero, as `f64::round`.
    new_size.round() as i64 - spec(rs)
}

/// `scale()` (§3.6): the scaling operations of a scaling event or a paused Deployment, in the
/// order upstream performs them. Operations may keep a size (they still refresh the
/// desired/max-replicas annotations).
pub(crate) fn scale_plan(
    d: &Deployment,
    new_rs: Option<&ReplicaSet>,
    old: &[ReplicaSet],
) -> Vec<ScaleOp> {
    let replicas = d.replicas() as i64;
    let mut all: Vec<ReplicaSet> = old.to_vec();
    all.extend(new_rs.cloned());
    let active: Vec<&ReplicaSet> = all.iter().filter(|rs| spec(rs) > 0).collect();
    // FindActiveOrLatest: one active ReplicaSet, or the newest when none is active.
    let active_or_latest = match active.len() {
        0 => new_rs.or_else(|| old.iter().max_by(|a, b| by_creation(a, b))),
        1 => active.first().copied(),
        _ => None,
    };
    if active_or_latest.is_some() || all.is_empty() {
        return active_or_latest
            .map(|rs| ScaleOp {
                name: rs.metadata.name.clone(),
                to: replicas,
                why: format!("the only active ReplicaSet takes all {replicas} replicas"),
            })
            .into_iter()
            .collect();
    }
    if is_saturated(d, new_rs) {
        return old
            .iter()
            .filter(|rs| spec(rs) > 0)
            .map(|rs| ScaleOp {
                name: rs.metadata.name.clone(),
                to: 0,
                why: "the new ReplicaSet is saturated".into(),
            })
            .collect();
    }
    if !is_rolling(d) {
        return Vec::new();
    }
    let mut active: Vec<ReplicaSet> = active.into_iter().cloned().collect();
    let allowed = if replicas > 0 {
        replicas + max_surge(d)
    } else {
        0
    };
    let to_add = allowed - replica_count(&active);
    match to_add.cmp(&0) {
        // ReplicaSetsBySizeNewer: larger first; on ties, newer first.
        Ordering::Greater => active.sort_by(|a, b| spec(b).cmp(&spec(a)).then(by_creation(b, a))),
        // ReplicaSetsBySizeOlder: larger first; on ties, older first.
        Ordering::Less => active.sort_by(|a, b| spec(b).cmp(&spec(a)).then(by_creation(a, b))),
        Ordering::Equal => {}
    }
    let mut added = 0;
    let mut sizes: Vec<i64> = Vec::with_capacity(active.len());
    for rs in &active {
        if to_add != 0 {
            let proportion = get_proportion(rs, d, to_add, added);
            sizes.push(spec(rs) + proportion);
            added += proportion;
        } else {
            sizes.push(spec(rs));
        }
    }
    if let Some(first) = sizes.first_mut() {
        if to_add != 0 {
            // Leftovers go to the largest ReplicaSet.
            *first = (*first + to_add - added).max(0);
        }
    }
    active
        .iter()
        .zip(sizes)
        .map(|(rs, to)| ScaleOp {
            name: rs.metadata.name.clone(),
            to,
            why: format!(
                "proportional scaling to {replicas} replicas (+{} surge)",
                max_surge(d)
            ),
        })
        .collect()
}

/// `EqualIgnoreHash`: templates equal once the pod-template-hash label is removed.
pub(crate) fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    if !a.metadata.labels.contains_key(POD_TEMPLATE_HASH_LABEL)
        && !b.metadata.labels.contains_key(POD_TEMPLATE_HASH_LABEL)
    {
        return a == b;
    }
    let mut a = a.clone();
    let mut b = b.clone();
    a.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    b.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    a == b
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's.
pub(crate) fn find_new_replica_set<'a>(
    d: &Deployment,
    rss: &'a [ReplicaSet],
) -> Option<&'a ReplicaSet> {
    let mut sorted: Vec<&ReplicaSet> = rss.iter().collect();
    sorted.sort_by(|a, b| by_creation(a, b));
    sorted
        .into_iter()
        .find(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template))
}

/// `MaxRevision`.
pub(crate) fn max_revision(rss: &[ReplicaSet]) -> i64 {
    rss.iter().map(|rs| rs.revision()).max().unwrap_or(0)
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, moves the ReplicaSet to
/// `new_revision` (keeping the revisions it had in revision-history, as a rollback does) and, for
/// a ReplicaSet about to be created, sets desired/max-replicas. Returns whether anything changed.
pub(crate) fn set_new_replica_set_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
    history_limit_chars: usize,
) -> bool {
    let mut changed = copy_deployment_annotations(d, rs);
    let annotations = &mut rs.metadata.annotations;
    let old = annotations.get(REVISION_ANNOTATION).cloned();
    let old_revision = match old.as_deref() {
        None | Some("") => 0,
        Some(s) => match s.parse::<i64>() {
            Ok(v) => v,
            Err(_) => return false,
        },
    };
    if old_revision < new_revision {
        annotations.insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        changed = true;
    }
    if let Some(old) = old.filter(|_| old_revision < new_revision) {
        let history = annotations
            .get(REVISION_HISTORY_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        if history.is_empty() {
            annotations.insert(REVISION_HISTORY_ANNOTATION.into(), old);
        } else {
            let revisions: Vec<&str> = history.split(',').collect();
            let mut total = history.len() + old.len() + 1;
            let mut start = 0;
            while total > history_limit_chars && start < revisions.len() {
                total -= revisions.get(start).map_or(0, |r| r.len()) + 1;
                start += 1;
            }
            if total <= history_limit_chars {
                let mut kept: Vec<&str> = revisions.get(start..).unwrap_or_default().to_vec();
                kept.push(&old);
                annotations.insert(REVISION_HISTORY_ANNOTATION.into(), kept.join(","));
            }
        }
    }
    if !exists
        && set_replicas_annotations(rs, d.replicas() as i64, d.replicas() as i64 + max_surge(d))
    {
        changed = true;
    }
    changed
}

/// `copyDeploymentAnnotationsToReplicaSet`.
fn copy_deployment_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            continue;
        }
        if rs.metadata.annotations.get(k) != Some(v) {
            rs.metadata.annotations.insert(k.clone(), v.clone());
            changed = true;
        }
    }
    changed
}

/// `SetReplicasAnnotations`.
pub(crate) fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i64, max: i64) -> bool {
    let a = &mut rs.metadata.annotations;
    let mut changed = false;
    for (k, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired.to_string()),
        (MAX_REPLICAS_ANNOTATION, max.to_string()),
    ] {
        if a.get(k) != Some(&v) {
            a.insert(k.into(), v);
            changed = true;
        }
    }
    changed
}

/// `HasRevisionHistoryLimit`.
fn has_revision_history_limit(d: &Deployment) -> Option<i64> {
    d.spec
        .revision_history_limit
        .filter(|l| *l != MAX_INT32)
        .map(|l| l as i64)
}

/// `ReplicaSetsByRevision`: lower revision first; unparsable or equal revisions by creation.
fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let rev = |rs: &ReplicaSet| {
        rs.metadata
            .annotation(REVISION_ANNOTATION)
            .and_then(|v| v.parse::<i64>().ok())
    };
    match (rev(a), rev(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation(a, b),
    }
}

/// `cleanupDeployment`'s selection (§5.3): the old ReplicaSets to delete so that at most
/// revisionHistoryLimit remain, skipping any that still has replicas or an unobserved spec.
pub(crate) fn replica_sets_to_clean_up(d: &Deployment, old: &[ReplicaSet]) -> Vec<String> {
    let Some(limit) = has_revision_history_limit(d) else {
        return Vec::new();
    };
    let mut cleanable: Vec<&ReplicaSet> = old
        .iter()
        .filter(|rs| rs.metadata.deletion_timestamp.is_none())
        .collect();
    let diff = cleanable.len() as i64 - limit;
    if diff <= 0 {
        return Vec::new();
    }
    cleanable.sort_by(|a, b| by_revision(a, b));
    cleanable
        .into_iter()
        .take(diff as usize)
        .filter(|rs| {
            rs.status.replicas == 0
                && spec(rs) == 0
                && rs.metadata.generation <= rs.status.observed_generation
                && rs.metadata.deletion_timestamp.is_none()
        })
        .map(|rs| rs.metadata.name.clone())
        .collect()
}

/// `HasProgressDeadline`.
pub(crate) fn progress_deadline(d: &Deployment) -> Option<i64> {
    d.spec
        .progress_deadline_seconds
        .filter(|s| *s != MAX_INT32)
        .map(|s| s as i64)
}

/// `DeploymentComplete`.
pub(crate) fn deployment_complete(d: &Deployment, st: &DeploymentStatus) -> bool {
    let r = d.replicas();
    st.updated_replicas == r
        && st.replicas == r
        && st.available_replicas == r
        && st.observed_generation >= d.metadata.generation
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available replicas.
pub(crate) fn deployment_progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    new.updated_replicas > old.updated_replicas
        || (new.replicas - new.updated_replicas) < (old.replicas - old.updated_replicas)
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

/// `DeploymentTimedOut`.
pub(crate) fn deployment_timed_out(d: &Deployment, st: &DeploymentStatus, now: Time) -> bool {
    let Some(deadline) = progress_deadline(d) else {
        return false;
    };
    let Some(c) = condition(st, "Progressing") else {
        return false;
    };
    match c.reason.as_str() {
        NEW_RS_AVAILABLE_REASON => false,
        TIMED_OUT_REASON => true,
        _ => c
            .last_update_time
            .is_some_and(|t| t.plus_millis(deadline * 1000) < now),
    }
}

pub(crate) fn condition<'a>(st: &'a DeploymentStatus, type_: &str) -> Option<&'a Condition> {
    st.conditions.iter().find(|c| c.type_ == type_)
}

/// `NewDeploymentCondition`.
pub(crate) fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Time,
) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.into(),
        message,
        ..Default::default()
    }
}

/// `SetDeploymentCondition`: same status and reason → unchanged; same status → keeps
/// lastTransitionTime; the condition moves to the end of the list, as upstream appends it.
pub(crate) fn set_condition(st: &mut DeploymentStatus, mut c: Condition) {
    if let Some(cur) = condition(st, &c.type_) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition_time = cur.last_transition_time;
        }
    }
    st.conditions.retain(|x| x.type_ != c.type_);
    st.conditions.push(c);
}

/// `calculateStatus`: counts from the ReplicaSets' statuses and the Available condition.
pub(crate) fn calculate_status(
    d: &Deployment,
    all: &[ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    now: Time,
) -> DeploymentStatus {
    let available: i32 = all.iter().map(|r| r.status.available_replicas).sum();
    let total = replica_count(all) as i32;
    let mut st = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: all.iter().map(|r| r.status.replicas).sum(),
        updated_replicas: new_rs.map_or(0, |r| r.status.replicas),
        ready_replicas: all.iter().map(|r| r.status.ready_replicas).sum(),
        available_replicas: available,
        unavailable_replicas: (total - available).max(0),
        terminating_replicas: Some(
            all.iter()
                .map(|r| r.status.terminating_replicas.unwrap_or(0))
                .sum(),
        ),
        conditions: d.status.conditions.clone(),
        collision_count: d.status.collision_count,
    };
    let c = if available as i64 >= d.replicas() as i64 - max_unavailable(d) {
        new_condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            now,
        )
    } else {
        new_condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            now,
        )
    };
    set_condition(&mut st, c);
    st
}

/// `syncRolloutStatus`'s new status: `calculateStatus`, then the Progressing condition by the
/// first of DeploymentComplete, DeploymentProgressing and DeploymentTimedOut that holds, then
/// the ReplicaSets' ReplicaFailure (the new one's first), as `getReplicaFailures`.
pub(crate) fn rollout_status(
    d: &Deployment,
    all: &[ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    now: Time,
) -> DeploymentStatus {
    let mut st = progress_status(d, all, new_rs, now);
    let failure = new_rs
        .into_iter()
        .chain(all)
        .flat_map(|rs| &rs.status.conditions)
        .find(|c| c.type_ == "ReplicaFailure");
    match failure {
        Some(c) => {
            let c = new_condition(
                "ReplicaFailure",
                &c.status,
                &c.reason,
                c.message.clone(),
                now,
            );
            set_condition(&mut st, c);
        }
        None => st.conditions.retain(|c| c.type_ != "ReplicaFailure"),
    }
    st
}

fn progress_status(
    d: &Deployment,
    all: &[ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    now: Time,
) -> DeploymentStatus {
    let mut st = calculate_status(d, all, new_rs, now);
    if progress_deadline(d).is_none() {
        st.conditions.retain(|c| c.type_ != "Progressing");
        return st;
    }
    let current = condition(&d.status, "Progressing").cloned();
    let complete_already = st.replicas == st.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason == NEW_RS_AVAILABLE_REASON);
    if complete_already {
        return st;
    }
    let subject = match new_rs {
        Some(rs) => format!("ReplicaSet \"{}\"", rs.metadata.name),
        None => format!("Deployment \"{}\"", d.metadata.name),
    };
    if deployment_complete(d, &st) {
        let c = new_condition(
            "Progressing",
            "True",
            NEW_RS_AVAILABLE_REASON,
            format!("{subject} has successfully progressed."),
            now,
        );
        set_condition(&mut st, c);
    } else if deployment_progressing(&d.status, &st) {
        let mut c = new_condition(
            "Progressing",
            "True",
            RS_UPDATED_REASON,
            format!("{subject} is progressing."),
            now,
        );
        // Progress refreshes lastUpdateTime even when the reason stays the same.
        if let Some(cur) = &current {
            if cur.status == "True" {
                c.last_transition_time = cur.last_transition_time;
            }
            st.conditions.retain(|x| x.type_ != "Progressing");
        }
        set_condition(&mut st, c);
    } else if deployment_timed_out(d, &st, now) {
        let c = new_condition(
            "Progressing",
            "False",
            TIMED_OUT_REASON,
            format!("{subject} has timed out progressing."),
            now,
        );
        set_condition(&mut st, c);
    }
    st
}

/// `requeueStuckDeployment`: when to look again at a Deployment that made no progress, so that
/// it times out on time.
pub(crate) fn requeue_stuck_at(d: &Deployment, new: &DeploymentStatus, now: Time) -> Option<Time> {
    let deadline = progress_deadline(d)?;
    let current = condition(&d.status, "Progressing")?;
    if deployment_complete(d, new) || current.reason == TIMED_OUT_REASON {
        return None;
    }
    let due = current.last_update_time?.plus_millis(deadline * 1000);
    if due.millis() - now.millis() < 1000 {
        // Upstream requeues rate-limited; the first instant after the deadline is when it
        // finds the Deployment timed out.
        Some(
            due.plus_millis(1)
                .max(now.plus_millis(crate::delays::CONTROLLER)),
        )
    } else {
        // "Add a second to avoid milliseconds skew in AddAfter."
        Some(due.plus_millis(1000))
    }
}

/// `checkPausedConditions`: Progressing becomes Unknown/DeploymentPaused on pause and
/// Unknown/DeploymentResumed on resume, unless the rollout already timed out.
pub(crate) fn paused_condition(d: &Deployment, now: Time) -> Option<Condition> {
    progress_deadline(d)?;
    let cur = condition(&d.status, "Progressing");
    if cur.is_some_and(|c| c.reason == TIMED_OUT_REASON) {
        return None;
    }
    let paused_exists = cur.is_some_and(|c| c.reason == PAUSED_REASON);
    if d.spec.paused && !paused_exists {
        Some(new_condition(
            "Progressing",
            "Unknown",
            PAUSED_REASON,
            "Deployment is paused".into(),
            now,
        ))
    } else if !d.spec.paused && paused_exists {
        Some(new_condition(
            "Progressing",
            "Unknown",
            RESUMED_REASON,
            "Deployment is resumed".into(),
            now,
        ))
    } else {
        None
    }
}

/// FNV-32a over the template (as JSON, without the hash label) and the collision count, encoded
/// with upstream's `SafeEncodeString` alphabet: `nginx-7c9f8d5b4`-style names. (Upstream hashes
/// Go's printed struct, which cannot be reproduced; the form and the collision handling are
/// upstream's.)
pub(crate) fn pod_template_hash(
    template: &PodTemplateSpec,
    collision_count: Option<i32>,
) -> String {
    let mut t = template.clone();
    t.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    let mut bytes = serde_json::to_vec(&t).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&(c as u32).to_le_bytes());
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|c| ALPHANUMS[c as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// Labels and selector of a new ReplicaSet: the template's plus `pod-template-hash`.
pub(crate) fn with_hash_label(
    labels: &BTreeMap<String, String>,
    hash: &str,
) -> BTreeMap<String, String> {
    let mut l = labels.clone();
    l.insert(POD_TEMPLATE_HASH_LABEL.into(), hash.into());
    l
}

#[cfg(test)]
#[path = "deployment_util_tests.rs"]
mod tests;
