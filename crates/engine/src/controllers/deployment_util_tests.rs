//! The upstream Deployment test tables of §3 and §5, row for row, against the pure functions.

use expect_test::{expect, Expect};
use kubeplay_api::apps::{DeploymentStatus, RollingUpdateDeployment};
use kubeplay_api::{Deployment, IntOrString, ReplicaSet, Time};

use super::*;

const T0: Time = crate::EPOCH;

fn ios(s: &str) -> Option<IntOrString> {
    match s {
        "nil" => None,
        _ => Some(
            s.parse::<i64>()
                .map(IntOrString::Int)
                .unwrap_or_else(|_| IntOrString::String(s.into())),
        ),
    }
}

/// A Deployment as upstream's test helpers build it: RollingUpdate unless `surge` is "recreate".
fn deployment(replicas: i32, surge: &str, unavailable: &str) -> Deployment {
    let mut d = Deployment::default();
    d.metadata.name = "foo".into();
    d.metadata.generation = 1;
    d.spec.replicas = Some(replicas);
    if surge == "recreate" {
        d.spec.strategy.type_ = "Recreate".into();
    } else {
        d.spec.strategy.type_ = "RollingUpdate".into();
        d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
            max_surge: ios(surge),
            max_unavailable: ios(unavailable),
        });
    }
    d
}

/// A ReplicaSet created `age` seconds before the newest ones (larger age = older).
fn rs(name: &str, spec: i32, available: i32, age: i64) -> ReplicaSet {
    let mut r = ReplicaSet::default();
    r.metadata.name = name.into();
    r.metadata.creation_timestamp = Some(T0.plus_millis(-age * 1000));
    r.spec.replicas = Some(spec);
    r.status.replicas = spec;
    r.status.available_replicas = available;
    r.status.ready_replicas = available;
    r
}

// ----- §3.3 ResolveFenceposts, MaxUnavailable --------------------------------------------------

fn check_fenceposts(surge: &str, unavailable: &str, desired: i64, expect: Expect) {
    let got = match resolve_fenceposts(ios(surge).as_ref(), ios(unavailable).as_ref(), desired) {
        Ok((s, u)) => format!("surge {s}, unavailable {u}"),
        Err(_) => "error".into(),
    };
    expect.assert_eq(&got);
}

#[test]
fn resolve_fenceposts_table() {
    check_fenceposts("0%", "0%", 0, expect!["surge 0, unavailable 1"]);
    check_fenceposts("oops", "39%", 10, expect!["error"]);
    check_fenceposts("55%", "urg", 10, expect!["error"]);
    check_fenceposts("nil", "39%", 10, expect!["surge 0, unavailable 3"]);
    check_fenceposts("39%", "nil", 10, expect!["surge 4, unavailable 0"]);
    check_fenceposts("nil", "nil", 10, expect!["surge 0, unavailable 1"]);
    // The defaults with 10 replicas: "max 13 pods, min 8 ready".
    check_fenceposts("25%", "25%", 10, expect!["surge 3, unavailable 2"]);
}

fn check_max_unavailable(replicas: i32, unavailable: &str, strategy: &str, expect: Expect) {
    let surge = if strategy == "Recreate" {
        "recreate"
    } else {
        "1"
    };
    let d = deployment(replicas, surge, unavailable);
    expect.assert_eq(&max_unavailable(&d).to_string());
}

#[test]
fn max_unavailable_table() {
    check_max_unavailable(10, "5", "RollingUpdate", expect!["5"]);
    check_max_unavailable(10, "10", "RollingUpdate", expect!["10"]);
    check_max_unavailable(10, "50%", "RollingUpdate", expect!["5"]);
    check_max_unavailable(10, "100%", "RollingUpdate", expect!["10"]);
    check_max_unavailable(5, "10", "RollingUpdate", expect!["5"]);
    check_max_unavailable(5, "100%", "RollingUpdate", expect!["5"]);
    check_max_unavailable(0, "10", "RollingUpdate", expect!["0"]);
    check_max_unavailable(10, "5", "Recreate", expect!["0"]);
}

// ----- §3.4 NewRSNewReplicas, §3.5 reconcileNewReplicaSet -------------------------------------

/// `TestNewRSNewReplicas`: allRSs = [rs5], the new ReplicaSet not among them; maxUnavailable 1.
fn check_new_rs_new_replicas(strategy: &str, replicas: i32, new: i64, surge: &str, expect: Expect) {
    let d = deployment(
        replicas,
        if strategy == "Recreate" {
            "recreate"
        } else {
            surge
        },
        "1",
    );
    expect.assert_eq(&new_rs_new_replicas(&d, 5, new).to_string());
}

#[test]
fn new_rs_new_replicas_table() {
    check_new_rs_new_replicas("Rolling", 1, 5, "1", expect!["5"]);
    check_new_rs_new_replicas("Rolling", 6, 2, "10", expect!["6"]);
    check_new_rs_new_replicas("Recreate", 3, 1, "1", expect!["3"]);
    // A fresh Deployment of 10 replicas with 25% surge starts its new ReplicaSet at 10.
    let d = deployment(10, "25%", "25%");
    assert_eq!(new_rs_new_replicas(&d, 0, 0), 10);
}

/// `TestDeploymentController_reconcileNewReplicaSet`: maxUnavailable 0, allRSs = [new, old].
fn check_reconcile_new(replicas: i32, surge: &str, old: i32, new: i32, expect: Expect) {
    let d = deployment(replicas, surge, "0");
    let all = [rs("new", new, 0, 0), rs("old", old, old, 60)];
    let got = match reconcile_new_replica_set(&d, replica_count(&all), new as i64) {
        Some(to) => format!("scaled, new → {to}"),
        None => "not scaled".into(),
    };
    expect.assert_eq(&got);
}

#[test]
fn reconcile_new_replica_set_table() {
    check_reconcile_new(10, "0", 10, 0, expect!["not scaled"]);
    check_reconcile_new(10, "2", 10, 0, expect!["scaled, new → 2"]);
    check_reconcile_new(10, "2", 5, 0, expect!["scaled, new → 7"]);
    check_reconcile_new(10, "2", 10, 2, expect!["not scaled"]);
    check_reconcile_new(10, "2", 2, 11, expect!["scaled, new → 10"]);
    // DeploymentPodReplacementPolicy nil or TerminationStarted: terminating pods (1 old, 10 new)
    // are not counted, so the row is the same as "10, 2, 5, 0".
    check_reconcile_new(10, "2", 5, 0, expect!["scaled, new → 7"]);
}

// ----- §3.5 reconcileOldReplicaSets ------------------------------------------------------------

fn render_ops(ops: &[ScaleOp]) -> String {
    ops.iter()
        .map(|o| format!("{} → {}", o.name, o.to))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `TestDeploymentController_reconcileOldReplicaSets`: maxSurge 0.
#[allow(clippy::too_many_arguments)]
fn check_reconcile_old(
    replicas: i32,
    surge: &str,
    max_unavailable: &str,
    old: i32,
    new: i32,
    old_available: i32,
    new_available: i32,
    expect: Expect,
) {
    let d = deployment(replicas, surge, max_unavailable);
    let old_rs = rs("old", old, old_available, 60);
    let new_rs = rs("new", new, new_available, 0);
    let all = [new_rs.clone(), old_rs.clone()];
    let active_old: Vec<ReplicaSet> = [old_rs].into_iter().filter(|r| spec(r) > 0).collect();
    let got = match reconcile_old_replica_sets(&d, &all, &active_old, &new_rs) {
        Ok(ops) if ops.is_empty() => "not scaled".to_string(),
        Ok(ops) => format!("scaled: {}", render_ops(&ops)),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

#[test]
fn reconcile_old_replica_sets_table() {
    check_reconcile_old(10, "0", "0", 10, 0, 10, 0, expect!["scaled: old → 9"]);
    check_reconcile_old(10, "0", "2", 10, 0, 10, 0, expect!["scaled: old → 8"]);
    // Two unhealthy old replicas cleaned up; then 8 available ≤ minAvailable 8.
    check_reconcile_old(10, "0", "2", 10, 0, 8, 0, expect!["scaled: old → 8"]);
    // One cleaned up, then one scaled down normally.
    check_reconcile_old(
        10,
        "0",
        "2",
        10,
        0,
        9,
        0,
        expect!["scaled: old → 9, old → 8"],
    );
    // maxScaledDown = 10 − 8 − 2 = 0.
    check_reconcile_old(10, "0", "2", 8, 2, 8, 0, expect!["not scaled"]);
}

/// The scenarios of the comment in `reconcileOldReplicaSets`: 10 replicas, maxUnavailable 2,
/// maxSurge 3.
#[test]
fn reconcile_old_replica_sets_comment_scenarios() {
    // Crashloop: new RS at 5 with none available, old RS at 8 with one pod gone unavailable:
    // maxScaledDown = 13 − 8 − 5 = 0, so nothing happens.
    check_reconcile_old(10, "3", "2", 8, 5, 7, 0, expect!["not scaled"]);
    // Rollback to the good RS (now the new one, 8 with one unavailable): newRSUnavailable 1,
    // maxScaledDown = 13 − 8 − 1 = 4; the crashing RS (old now) has 5 unavailable replicas and
    // 4 of them are cleaned up.
    check_reconcile_old(10, "3", "2", 5, 8, 0, 7, expect!["scaled: old → 1"]);
    // Roll-over: a brand-new RS at 0; newRSUnavailable is 0, so the old RSs may lose 5
    // (13 − 8 − 0), unavailable replicas first, oldest ReplicaSet first.
    let d = deployment(10, "3", "2");
    let crashing = rs("crashing", 5, 0, 60);
    let good = rs("good", 8, 7, 120);
    let new_rs = rs("brand-new", 0, 0, 0);
    let all = [new_rs.clone(), crashing.clone(), good.clone()];
    let got = match reconcile_old_replica_sets(&d, &all, &[crashing, good], &new_rs) {
        Ok(ops) => render_ops(&ops),
        Err(e) => e,
    };
    expect!["good → 7, crashing → 1"].assert_eq(&got);
}

/// `TestDeploymentController_cleanupUnhealthyReplicas`: old spec 10; deployment 10, surge 2,
/// unavailable 2.
fn check_cleanup_unhealthy(available: i32, max_cleanup: i64, expect: Expect) {
    let mut old = [rs("old", 10, available, 60)];
    let got = match cleanup_unhealthy_replicas(&mut old, max_cleanup) {
        Ok((_, n)) => format!("cleaned {n}"),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

#[test]
fn cleanup_unhealthy_replicas_table() {
    check_cleanup_unhealthy(8, 1, expect!["cleaned 1"]);
    check_cleanup_unhealthy(8, 3, expect!["cleaned 2"]);
    check_cleanup_unhealthy(8, 0, expect!["cleaned 0"]);
    check_cleanup_unhealthy(10, 3, expect!["cleaned 0"]);
}

/// `TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate`: allRSs = [old], surge 0.
fn check_scale_down_old(
    replicas: i32,
    max_unavailable: &str,
    available: i32,
    old_spec: i32,
    expect: Expect,
) {
    let d = deployment(replicas, "0", max_unavailable);
    let old = rs("old", old_spec, available, 60);
    let mut olds = [old.clone()];
    let got = match scale_down_old_replica_sets_for_rolling_update(&d, &[old], &mut olds) {
        Ok((ops, _)) if ops.is_empty() => "not scaled".to_string(),
        Ok((ops, _)) => format!("scaled: {}", render_ops(&ops)),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

#[test]
fn scale_down_old_replica_sets_for_rolling_update_table() {
    check_scale_down_old(10, "0", 10, 10, expect!["scaled: old → 9"]);
    check_scale_down_old(10, "2", 10, 10, expect!["scaled: old → 8"]);
    check_scale_down_old(10, "2", 8, 10, expect!["not scaled"]);
    check_scale_down_old(10, "2", 10, 0, expect!["not scaled"]);
    check_scale_down_old(10, "2", 1, 10, expect!["not scaled"]);
}

// ----- §3.6 proportional scaling ---------------------------------------------------------------

struct ScaleCase<'a> {
    /// (replicas, maxSurge) before the change: the annotations the ReplicaSets carry.
    old: (i32, &'a str),
    /// (replicas, maxSurge, maxUnavailable) after.
    new: (i32, &'a str, &'a str),
    /// ReplicaSets newest first: (name, spec, available).
    rss: &'a [(&'a str, i32, i32)],
    /// Which of them is the new ReplicaSet, if any.
    new_rs: Option<&'a str>,
}

/// `TestScale`: every ReplicaSet carries desired = old replicas and max = old replicas + old
/// maxSurge; the output lists the sizes after `scale()`, newest first.
fn check_scale(c: ScaleCase, expect: Expect) {
    let old_d = deployment(c.old.0, c.old.1, "0");
    let d = deployment(c.new.0, c.new.1, c.new.2);
    let n = c.rss.len() as i64;
    let mut all: Vec<ReplicaSet> = c
        .rss
        .iter()
        .enumerate()
        .map(|(i, (name, spec, available))| {
            let mut r = rs(name, *spec, *available, i as i64 - n);
            set_replicas_annotations(
                &mut r,
                old_d.replicas() as i64,
                old_d.replicas() as i64 + max_surge(&old_d),
            );
            r
        })
        .collect();
    let new_rs = c
        .new_rs
        .and_then(|name| all.iter().find(|r| r.metadata.name == name).cloned());
    let old: Vec<ReplicaSet> = all
        .iter()
        .filter(|r| Some(r.metadata.name.as_str()) != c.new_rs)
        .cloned()
        .collect();
    for op in scale_plan(&d, new_rs.as_ref(), &old) {
        if let Some(r) = all.iter_mut().find(|r| r.metadata.name == op.name) {
            r.spec.replicas = Some(op.to as i32);
        }
    }
    let got: Vec<String> = all
        .iter()
        .map(|r| format!("{}={}", r.metadata.name, spec(r)))
        .collect();
    expect.assert_eq(&got.join(", "));
}

#[test]
fn scale_table() {
    let case = |old, new, rss, new_rs| ScaleCase {
        old,
        new,
        rss,
        new_rs,
    };
    // normal scaling event: 10 → 12
    check_scale(
        case((10, "0"), (12, "0", "0"), &[("v1", 10, 10)], Some("v1")),
        expect!["v1=12"],
    );
    // normal scaling event: 10 → 5
    check_scale(
        case((10, "0"), (5, "0", "0"), &[("v1", 10, 10)], Some("v1")),
        expect!["v1=5"],
    );
    // proportional scaling: 5 → 10
    check_scale(
        case(
            (5, "0"),
            (10, "0", "0"),
            &[("v2", 2, 2), ("v1", 3, 3)],
            Some("v2"),
        ),
        expect!["v2=4, v1=6"],
    );
    // proportional scaling: 5 → 3
    check_scale(
        case(
            (5, "0"),
            (3, "0", "0"),
            &[("v2", 2, 2), ("v1", 3, 3)],
            Some("v2"),
        ),
        expect!["v2=1, v1=2"],
    );
    // proportional scaling: 9 → 4
    check_scale(
        case(
            (9, "0"),
            (4, "0", "0"),
            &[("v2", 8, 8), ("v1", 1, 1)],
            Some("v2"),
        ),
        expect!["v2=4, v1=0"],
    );
    // leftover distribution: 3 → 4
    check_scale(
        case(
            (3, "0"),
            (4, "0", "0"),
            &[("v3", 1, 1), ("v2", 1, 1), ("v1", 1, 1)],
            Some("v3"),
        ),
        expect!["v3=2, v2=1, v1=1"],
    );
    // leftover distribution: 3 → 2
    check_scale(
        case(
            (3, "0"),
            (2, "0", "0"),
            &[("v3", 1, 1), ("v2", 1, 1), ("v1", 1, 1)],
            Some("v3"),
        ),
        expect!["v3=1, v2=1, v1=0"],
    );
    // scaling down to zero: 6 → 0
    check_scale(
        case(
            (6, "0"),
            (0, "0", "0"),
            &[("v3", 3, 3), ("v2", 2, 2), ("v1", 1, 1)],
            Some("v3"),
        ),
        expect!["v3=0, v2=0, v1=0"],
    );
    // scaling up from zero: 0 → 6, every ReplicaSet at 0: the latest takes all
    check_scale(
        case(
            (0, "0"),
            (6, "0", "0"),
            &[("v3", 0, 0), ("v2", 0, 0), ("v1", 0, 0)],
            None,
        ),
        expect!["v3=6, v2=0, v1=0"],
    );
    // no new ReplicaSet: 4 → 5 (round(2.5) = 3)
    check_scale(
        case((4, "0"), (5, "0", "0"), &[("v2", 2, 2), ("v1", 2, 2)], None),
        expect!["v2=3, v1=2"],
    );
    // with maxSurge 2: 10 → 20
    check_scale(
        case(
            (10, "2"),
            (20, "2", "0"),
            &[("v2", 6, 6), ("v1", 6, 6)],
            Some("v2"),
        ),
        expect!["v2=11, v1=11"],
    );
    // maxSurge 3 → 6 and size 10 → 50
    check_scale(
        case(
            (10, "3"),
            (50, "6", "0"),
            &[("v2", 5, 5), ("v1", 8, 8)],
            Some("v2"),
        ),
        expect!["v2=22, v1=34"],
    );
    // template and size change 10 → 14, no new ReplicaSet yet
    check_scale(
        case(
            (10, "0"),
            (14, "0", "0"),
            &[("v2", 7, 7), ("v1", 3, 3)],
            None,
        ),
        expect!["v2=10, v1=4"],
    );
    // saturated but broken new ReplicaSet (no replica available) leaves old pods alone
    check_scale(
        case(
            (2, "1"),
            (2, "1", "1"),
            &[("v2", 2, 0), ("v1", 1, 1)],
            Some("v2"),
        ),
        expect!["v2=2, v1=1"],
    );
}

#[test]
fn a_saturated_new_replica_set_scales_old_ones_to_zero() {
    let d = deployment(3, "1", "0");
    let mut new_rs = rs("v2", 3, 3, 0);
    set_replicas_annotations(&mut new_rs, 3, 4);
    let old = [rs("v1", 2, 2, 60)];
    expect!["v1 → 0"].assert_eq(&render_ops(&scale_plan(&d, Some(&new_rs), &old)));
}

// ----- §5.3 cleanupDeployment, §5.4 revisions ----------------------------------------------------

fn with_revision(mut r: ReplicaSet, revision: i64) -> ReplicaSet {
    r.metadata
        .annotations
        .insert(REVISION_ANNOTATION.into(), revision.to_string());
    r
}

fn check_cleanup(limit: Option<i32>, old: &[ReplicaSet], expect: Expect) {
    let mut d = deployment(1, "25%", "25%");
    d.spec.revision_history_limit = limit;
    expect.assert_eq(&replica_sets_to_clean_up(&d, old).join(", "));
}

#[test]
fn cleanup_deployment_selection() {
    // Created out of revision order on purpose: revisions decide.
    let old = [
        with_revision(rs("r4", 0, 0, 10), 4),
        with_revision(rs("r1", 0, 0, 40), 1),
        with_revision(rs("r3", 0, 0, 20), 3),
        with_revision(rs("r2", 0, 0, 5), 2),
    ];
    check_cleanup(Some(2), &old, expect!["r1, r2"]);
    check_cleanup(Some(0), &old, expect!["r1, r2, r3, r4"]);
    check_cleanup(Some(10), &old, expect![""]);
    check_cleanup(None, &old, expect![""]);
    check_cleanup(Some(i32::MAX), &old, expect![""]);
    // Among the `diff` oldest, ones still running (or with an unobserved spec) are skipped, not
    // replaced by younger ones.
    let mut busy = with_revision(rs("r1", 1, 1, 40), 1);
    busy.status.replicas = 1;
    let mut unobserved = with_revision(rs("r2", 0, 0, 30), 2);
    unobserved.metadata.generation = 3;
    unobserved.status.observed_generation = 2;
    let old = [
        busy,
        unobserved,
        with_revision(rs("r3", 0, 0, 20), 3),
        with_revision(rs("r4", 0, 0, 10), 4),
    ];
    check_cleanup(Some(1), &old, expect!["r3"]);
}

fn check_revision_annotations(
    existing: Option<(&str, &str)>,
    new_revision: i64,
    limit: usize,
    expect: Expect,
) {
    let mut d = deployment(3, "1", "0");
    d.metadata
        .annotations
        .insert("kubernetes.io/change-cause".into(), "v2".into());
    d.metadata
        .annotations
        .insert(REVISION_ANNOTATION.into(), "9".into());
    let mut r = rs("web-abc", 3, 3, 0);
    let exists = existing.is_some();
    if let Some((revision, history)) = existing {
        r.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), revision.into());
        if !history.is_empty() {
            r.metadata
                .annotations
                .insert(REVISION_HISTORY_ANNOTATION.into(), history.into());
        }
    }
    let changed = set_new_replica_set_annotations(&d, &mut r, new_revision, exists, limit);
    let mut out = format!("changed {changed}");
    for (k, v) in &r.metadata.annotations {
        out.push_str(&format!("\n{k}: {v}"));
    }
    expect.assert_eq(&out);
}

#[test]
fn new_replica_set_annotations() {
    // A new ReplicaSet: the Deployment's annotations (not its revision), the next revision and
    // the replica annotations.
    check_revision_annotations(
        None,
        1,
        2000,
        expect![[r#"
            changed true
            deployment.kubernetes.io/desired-replicas: 3
            deployment.kubernetes.io/max-replicas: 4
            deployment.kubernetes.io/revision: 1
            kubernetes.io/change-cause: v2"#]],
    );
    // Re-adopted by a rollback: revision 1 becomes 3 and 1 goes to the history.
    check_revision_annotations(
        Some(("1", "")),
        3,
        2000,
        expect![[r#"
            changed true
            deployment.kubernetes.io/revision: 3
            deployment.kubernetes.io/revision-history: 1
            kubernetes.io/change-cause: v2"#]],
    );
    // Rolled back to twice.
    check_revision_annotations(
        Some(("3", "1")),
        5,
        2000,
        expect![[r#"
            changed true
            deployment.kubernetes.io/revision: 5
            deployment.kubernetes.io/revision-history: 1,3
            kubernetes.io/change-cause: v2"#]],
    );
    // A revision already current is left alone.
    check_revision_annotations(
        Some(("5", "1,3")),
        5,
        2000,
        expect![[r#"
            changed true
            deployment.kubernetes.io/revision: 5
            deployment.kubernetes.io/revision-history: 1,3
            kubernetes.io/change-cause: v2"#]],
    );
    // The history is capped in characters: the oldest revisions are dropped.
    check_revision_annotations(
        Some(("13", "10,11,12")),
        14,
        9,
        expect![[r#"
            changed true
            deployment.kubernetes.io/revision: 14
            deployment.kubernetes.io/revision-history: 11,12,13
            kubernetes.io/change-cause: v2"#]],
    );
}

#[test]
fn template_hashes_are_stable_and_collisions_change_them() {
    let d = deployment(1, "25%", "25%");
    let a = pod_template_hash(&d.spec.template, None);
    assert_eq!(a, pod_template_hash(&d.spec.template, None));
    assert_ne!(a, pod_template_hash(&d.spec.template, Some(1)));
    assert!(a.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
}

// ----- §5.5 conditions -------------------------------------------------------------------------

/// `TestDeploymentComplete`: (desired, status.replicas, updated, available, maxUnavailable,
/// maxSurge).
fn check_complete(args: (i32, i32, i32, i32, i32, i32), expect: Expect) {
    let (desired, replicas, updated, available, unavailable, surge) = args;
    let d = deployment(desired, &surge.to_string(), &unavailable.to_string());
    let st = DeploymentStatus {
        replicas,
        updated_replicas: updated,
        available_replicas: available,
        observed_generation: 1,
        ..Default::default()
    };
    expect.assert_eq(&deployment_complete(&d, &st).to_string());
}

#[test]
fn deployment_complete_table() {
    check_complete((5, 5, 5, 4, 1, 0), expect!["false"]);
    check_complete((5, 5, 5, 3, 1, 0), expect!["false"]);
    check_complete((5, 5, 5, 5, 0, 0), expect!["true"]);
    check_complete((5, 5, 4, 5, 0, 0), expect!["false"]);
    check_complete((1, 2, 1, 1, 0, 1), expect!["false"]);
    check_complete((1, 1, 1, 0, 1, 1), expect!["false"]);
}

/// `TestDeploymentProgressing`: (replicas, updated, ready, available) old → new.
fn check_progressing(old: (i32, i32, i32, i32), new: (i32, i32, i32, i32), expect: Expect) {
    let st = |(replicas, updated_replicas, ready_replicas, available_replicas)| DeploymentStatus {
        replicas,
        updated_replicas,
        ready_replicas,
        available_replicas,
        ..Default::default()
    };
    expect.assert_eq(&deployment_progressing(&st(old), &st(new)).to_string());
}

#[test]
fn deployment_progressing_table() {
    check_progressing((10, 4, 4, 4), (10, 6, 4, 4), expect!["true"]);
    check_progressing((10, 4, 4, 4), (10, 4, 4, 4), expect!["false"]);
    check_progressing((10, 4, 6, 6), (8, 4, 6, 6), expect!["true"]);
    check_progressing((10, 7, 3, 3), (10, 6, 3, 3), expect!["false"]);
    check_progressing((10, 4, 7, 7), (8, 8, 5, 5), expect!["true"]);
    check_progressing((10, 10, 9, 8), (10, 10, 10, 8), expect!["true"]);
    check_progressing((10, 10, 10, 9), (10, 10, 10, 10), expect!["true"]);
}

/// `TestDeploymentTimedOut`: the Progressing condition last updated at `last_update` (seconds
/// after T0), checked at `now`.
fn check_timed_out(
    deadline: Option<i32>,
    reason: &str,
    last_update: i64,
    now: i64,
    expect: Expect,
) {
    let mut d = deployment(1, "25%", "25%");
    d.spec.progress_deadline_seconds = deadline;
    let mut st = DeploymentStatus::default();
    set_condition(
        &mut st,
        new_condition(
            "Progressing",
            "True",
            reason,
            String::new(),
            T0.plus_millis(last_update * 1000),
        ),
    );
    expect.assert_eq(&deployment_timed_out(&d, &st, T0.plus_millis(now * 1000)).to_string());
}

#[test]
fn deployment_timed_out_table() {
    check_timed_out(None, RS_UPDATED_REASON, 69, 80, expect!["false"]);
    check_timed_out(Some(i32::MAX), RS_UPDATED_REASON, 69, 80, expect!["false"]);
    // 00:01:09 + 10 s is before 00:01:20.
    check_timed_out(Some(10), RS_UPDATED_REASON, 69, 80, expect!["true"]);
    // 00:01:11 + 10 s is not.
    check_timed_out(Some(10), RS_UPDATED_REASON, 71, 80, expect!["false"]);
    check_timed_out(Some(10), NEW_RS_AVAILABLE_REASON, 69, 80, expect!["false"]);
    check_timed_out(Some(10), TIMED_OUT_REASON, 79, 80, expect!["true"]);
}

fn render_conditions(st: &DeploymentStatus) -> String {
    st.conditions
        .iter()
        .map(|c| {
            format!(
                "{} {} {} (updated {}s, transition {}s) {}",
                c.type_,
                c.status,
                c.reason,
                c.last_update_time
                    .map_or(-1, |t| t.seconds() - T0.seconds()),
                c.last_transition_time
                    .map_or(-1, |t| t.seconds() - T0.seconds()),
                c.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rollout_status_conditions() {
    let mut d = deployment(2, "1", "0");
    d.spec.progress_deadline_seconds = Some(30);
    d.status.conditions.push(new_condition(
        "Progressing",
        "True",
        NEW_RS_REASON,
        "Created new replica set \"foo-v2\"".into(),
        T0,
    ));
    let mut new_rs = rs("foo-v2", 2, 0, 0);
    new_rs.status.replicas = 0;
    let all = [rs("foo-v1", 1, 1, 60), new_rs.clone()];
    d.status = calculate_status(&d, &all, Some(&new_rs), T0);
    d.status.conditions.retain(|c| c.type_ == "Progressing");
    // No progress yet: Available appended after Progressing, upstream's order.
    let st = rollout_status(&d, &all, Some(&new_rs), T0.plus_millis(5_000));
    expect![[r#"
        Progressing True NewReplicaSetCreated (updated 0s, transition 0s) Created new replica set "foo-v2"
        Available False MinimumReplicasUnavailable (updated 5s, transition 5s) Deployment does not have minimum availability."#]]
    .assert_eq(&render_conditions(&st));
    d.status = st;
    // More updated replicas: progress refreshes lastUpdateTime, keeps lastTransitionTime.
    new_rs.status.replicas = 2;
    let all = [rs("foo-v1", 1, 1, 60), new_rs.clone()];
    let st = rollout_status(&d, &all, Some(&new_rs), T0.plus_millis(8_000));
    expect![[r#"
        Available False MinimumReplicasUnavailable (updated 5s, transition 5s) Deployment does not have minimum availability.
        Progressing True ReplicaSetUpdated (updated 8s, transition 0s) ReplicaSet "foo-v2" is progressing."#]]
    .assert_eq(&render_conditions(&st));
    d.status = st;
    // Nothing changes for longer than the deadline: timed out.
    let st = rollout_status(&d, &all, Some(&new_rs), T0.plus_millis(39_000));
    expect![[r#"
        Available False MinimumReplicasUnavailable (updated 5s, transition 5s) Deployment does not have minimum availability.
        Progressing False ProgressDeadlineExceeded (updated 39s, transition 39s) ReplicaSet "foo-v2" has timed out progressing."#]]
    .assert_eq(&render_conditions(&st));
    // Before it times out, the controller looks again one second after the deadline.
    assert_eq!(
        requeue_stuck_at(&d, &d.status, T0.plus_millis(10_000)),
        Some(T0.plus_millis(39_000))
    );
}

#[test]
fn paused_conditions() {
    let mut d = deployment(2, "1", "0");
    d.spec.progress_deadline_seconds = Some(600);
    d.spec.paused = true;
    let c = paused_condition(&d, T0).map(|c| format!("{} {} {}", c.status, c.reason, c.message));
    expect![[r#"Some("Unknown DeploymentPaused Deployment is paused")"#]]
        .assert_eq(&format!("{c:?}"));
    set_condition(
        &mut d.status,
        new_condition(
            "Progressing",
            "Unknown",
            PAUSED_REASON,
            "Deployment is paused".into(),
            T0,
        ),
    );
    assert_eq!(paused_condition(&d, T0), None);
    d.spec.paused = false;
    let c = paused_condition(&d, T0).map(|c| format!("{} {} {}", c.status, c.reason, c.message));
    expect![[r#"Some("Unknown DeploymentResumed Deployment is resumed")"#]]
        .assert_eq(&format!("{c:?}"));
    // A timed-out rollout keeps saying so.
    d.spec.paused = true;
    d.status.conditions.clear();
    set_condition(
        &mut d.status,
        new_condition("Progressing", "False", TIMED_OUT_REASON, String::new(), T0),
    );
    assert_eq!(paused_condition(&d, T0), None);
}

/// The examples of `ResolveFenceposts`'s doc comment, played with the pure functions: each step
/// is one sync's decision, and pods become available between syncs.
fn check_rollout_steps(desired: i32, surge: &str, unavailable: &str, expect: Expect) {
    let d = deployment(desired, surge, unavailable);
    let mut old = rs("old", desired, desired, 60);
    let mut new = rs("new", 0, 0, 0);
    let mut steps = Vec::new();
    for _ in 0..10 {
        let all = [old.clone(), new.clone()];
        if let Some(to) = reconcile_new_replica_set(&d, replica_count(&all), spec(&new)) {
            steps.push(format!("new {:+}", to - spec(&new)));
            new.spec.replicas = Some(to as i32);
        } else {
            let active: Vec<ReplicaSet> =
                [old.clone()].into_iter().filter(|r| spec(r) > 0).collect();
            let ops = reconcile_old_replica_sets(&d, &all, &active, &new).unwrap_or_default();
            if ops.is_empty() {
                break;
            }
            for op in ops {
                steps.push(format!("old {:+}", op.to - spec(&old)));
                old.spec.replicas = Some(op.to as i32);
            }
        }
        // Between syncs: scaled-down pods are gone and new pods become available.
        old.status.available_replicas = old.replicas();
        new.status.available_replicas = new.replicas();
    }
    expect.assert_eq(&steps.join(", "));
}

#[test]
fn resolve_fenceposts_doc_examples() {
    // "2 desired, max unavailable 1%, surge 0% → -1 old, +1 new, -1 old, +1 new"
    check_rollout_steps(2, "0%", "1%", expect!["old -1, new +1, old -1, new +1"]);
    // "2 desired, max unavailable 25%, surge 1% → +1 new, -1 old, +1 new, -1 old"
    check_rollout_steps(2, "1%", "25%", expect!["new +1, old -1, new +1, old -1"]);
    // The defaults with 10 replicas, pods available at once: 13 pods at most, 8 available at least.
    check_rollout_steps(
        10,
        "25%",
        "25%",
        expect!["new +3, old -5, new +5, old -5, new +2"],
    );
}
