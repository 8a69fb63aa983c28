//! The DaemonSet controller: one pod on every node that should run one. A node should when the
//! pod template's nodeSelector and required node affinity match it and it has no NoSchedule or
//! NoExecute taint the pod does not tolerate (with the tolerations the controller adds to every
//! daemon pod). Pods are placed through the scheduler, as upstream does since 1.12: each is pinned
//! to its node by a required node affinity on `metadata.name`. Pods on nodes that should not run
//! one, extra pods and failed pods are deleted. A template change rolls out node by node under
//! `maxUnavailable` (`OnDelete` waits for the user to delete the old pods); `maxSurge` above 0
//! starts the new pod before the old one goes.

use std::collections::BTreeMap;

use kubeplay_api::apps::{DaemonSet, CONTROLLER_REVISION_HASH_LABEL};
use kubeplay_api::core::{Affinity, NodeAffinity, NodeSelector, NodeSelectorTerm, Pod, Toleration};
use kubeplay_api::meta::LabelSelectorRequirement;
use kubeplay_api::{IntOrString, Kind, Node, Object, ObjectMeta, OwnerReference};

use super::deployment_util::pod_template_hash;
use crate::store::Key;
use crate::Cluster;

/// Tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`): it stays on a node
/// that is not ready, unreachable, under pressure or cordoned.
const DAEMON_TOLERATIONS: [(&str, &str); 6] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

impl Cluster {
    pub(crate) fn sync_daemon_set(&mut self, ns: &str, name: &str) {
        let Some(Object::DaemonSet(ds)) = self
            .store
            .get(&Key::new(Kind::DaemonSet, ns, name))
            .cloned()
        else {
            return;
        };
        let ds: DaemonSet = *ds;
        if ds.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = self.now;
        let hash = pod_template_hash(&ds.spec.template, ds.status.collision_count);
        let live: Vec<String> = self
            .owned_pods(&ds.metadata.uid, ns)
            .iter()
            .filter_map(|p| p.metadata.labels.get(CONTROLLER_REVISION_HASH_LABEL))
            .map(|h| format!("{name}-{h}"))
            .collect();
        let live: Vec<&str> = live.iter().map(String::as_str).collect();
        self.record_revision(
            &super::history::Owner {
                kind: "DaemonSet",
                meta: &ds.metadata,
                revision_history_limit: ds.spec.revision_history_limit.unwrap_or(10),
            },
            &format!("{name}-{hash}"),
            &ds.spec.template,
            &live,
        );
        let template_pod = daemon_pod(&ds, "", &hash);
        let nodes: Vec<Node> = self
            .store
            .list(Kind::Node, None)
            .filter_map(|o| match o {
                Object::Node(n) if n.metadata.deletion_timestamp.is_none() => Some(n.clone()),
                _ => None,
            })
            .collect();
        // The daemon pods by the node they are meant for.
        let mut by_node: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
        // Pods being deleted are not counted: a replacement starts at once (and waits in the
        // scheduler if the old one still holds a host port), as upstream's `podsShouldBeOnNode`.
        for p in self.owned_pods(&ds.metadata.uid, ns) {
            if !p.is_terminating() {
                by_node.entry(target_node(p)).or_default().push(p.clone());
            }
        }
        let should_run: BTreeMap<&str, bool> = nodes
            .iter()
            .map(|n| {
                (
                    n.metadata.name.as_str(),
                    kubeplay_scheduler::node_admits(&template_pod, n),
                )
            })
            .collect();
        let min_ready = i64::from(ds.spec.min_ready_seconds);
        let desired = should_run.values().filter(|r| **r).count();
        let rolling = ds.spec.update_strategy.type_ != "OnDelete";
        let (max_unavailable, max_surge) =
            ds.spec
                .update_strategy
                .rolling_update
                .as_ref()
                .map_or((1, 0), |ru| {
                    (
                        scaled(ru.max_unavailable.as_ref(), desired, true),
                        scaled(ru.max_surge.as_ref(), desired, false),
                    )
                });

        let mut create_on: Vec<String> = Vec::new();
        let mut delete: Vec<String> = Vec::new();
        let mut unavailable = 0usize;
        let mut old_available: Vec<(String, String)> = Vec::new();
        let mut surging = 0usize;
        for n in &nodes {
            let node = n.metadata.name.as_str();
            let mut pods = by_node.remove(node).unwrap_or_default();
            // Failed daemon pods are deleted and replaced.
            let (failed, mut pods): (Vec<Pod>, Vec<Pod>) =
                pods.drain(..).partition(|p| p.status.phase == "Failed");
            delete.extend(failed.iter().map(|p| p.metadata.name.clone()));
            if !should_run.get(node).copied().unwrap_or(false) {
                delete.extend(pods.iter().map(|p| p.metadata.name.clone()));
                continue;
            }
            pods.sort_by_key(|p| (p.metadata.creation_timestamp, p.metadata.name.clone()));
            let new: Vec<&Pod> = pods.iter().filter(|p| is_current(p, &hash)).collect();
            let old: Vec<&Pod> = pods.iter().filter(|p| !is_current(p, &hash)).collect();
            let available = |p: &&Pod| p.is_available(min_ready, now);
            match (new.first(), old.first()) {
                (None, None) => {
                    unavailable += 1;
                    create_on.push(node.to_string());
                }
                (Some(p), None) if new.len() == 1 => {
                    if !available(p) {
                        unavailable += 1;
                    }
                }
                (Some(_), _) => {
                    // Keep the oldest new pod once it is available (or there is no old one).
                    let keep_old = !new.iter().any(available);
                    surging += usize::from(keep_old && !old.is_empty());
                    let extra = new.iter().skip(1).chain(old.iter().filter(|_| !keep_old));
                    delete.extend(extra.map(|p| p.metadata.name.clone()));
                    if !new.iter().any(available) && !old.iter().any(available) {
                        unavailable += 1;
                    }
                }
                (None, Some(p)) => {
                    delete.extend(old.iter().skip(1).map(|p| p.metadata.name.clone()));
                    if !rolling {
                        if !available(p) {
                            unavailable += 1;
                        }
                    } else if !available(p) {
                        // An old pod that is not available costs nothing to replace.
                        unavailable += 1;
                        delete.push(p.metadata.name.clone());
                    } else {
                        old_available.push((node.to_string(), p.metadata.name.clone()));
                    }
                }
            }
        }
        // Pods meant for nodes that no longer exist.
        for pods in by_node.into_values() {
            delete.extend(pods.iter().map(|p| p.metadata.name.clone()));
        }
        // The rolling update: replace available old pods while the budget allows.
        if rolling {
            if max_surge > 0 {
                let budget = max_surge.saturating_sub(surging);
                for (node, _) in old_available.iter().take(budget) {
                    create_on.push(node.clone());
                }
            } else {
                let budget = max_unavailable.saturating_sub(unavailable);
                for (_, pod) in old_available.iter().take(budget) {
                    delete.push(pod.clone());
                }
            }
        }

        let about = Object::DaemonSet(Box::new(ds.clone()));
        let what = format!("DaemonSet {ns}/{name}");
        if !create_on.is_empty() {
            self.record(
                "daemonset-controller",
                what.clone(),
                format!("creating pods for {}", create_on.join(", ")),
            );
        }
        for node in &create_on {
            self.create_daemon_pod(&ds, node, &hash, &about);
        }
        for p in &delete {
            let key = Key::new(Kind::Pod, ns, p);
            if self.store.contains(&key) {
                self.event(
                    &about,
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted pod: {p}"),
                    "daemonset-controller",
                    "",
                );
                self.delete_pod_gracefully(&key, None);
            }
        }
        self.update_daemon_set_status(ns, name, &hash, &should_run);
    }

    fn create_daemon_pod(&mut self, ds: &DaemonSet, node: &str, hash: &str, about: &Object) {
        let mut pod = daemon_pod(ds, node, hash);
        let ns = ds.metadata.namespace.clone();
        let name = self.free_pod_name(&ns, &format!("{}-", ds.metadata.name));
        pod.metadata.name = name.clone();
        match self.create(Object::Pod(pod)) {
            Ok(_) => self.event(
                about,
                "Normal",
                "SuccessfulCreate",
                format!("Created pod: {name}"),
                "daemonset-controller",
                "",
            ),
            Err(e) => self.event(
                about,
                "Warning",
                "FailedCreate",
                format!("Error creating: {}", e.message),
                "daemonset-controller",
                "",
            ),
        }
    }

    fn update_daemon_set_status(
        &mut self,
        ns: &str,
        name: &str,
        hash: &str,
        should_run: &BTreeMap<&str, bool>,
    ) {
        let Some(Object::DaemonSet(ds)) = self
            .store
            .get(&Key::new(Kind::DaemonSet, ns, name))
            .cloned()
        else {
            return;
        };
        let mut ds: DaemonSet = *ds;
        let now = self.now;
        let min_ready = i64::from(ds.spec.min_ready_seconds);
        let mut st = ds.status.clone();
        let pods: Vec<&Pod> = self
            .owned_pods(&ds.metadata.uid, ns)
            .into_iter()
            .filter(|p| p.is_active())
            .collect();
        let mut on_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
        for p in &pods {
            if !p.spec.node_name.is_empty() {
                on_node.entry(p.spec.node_name.clone()).or_default().push(p);
            }
        }
        let (mut current, mut misscheduled, mut ready, mut available, mut updated) =
            (0, 0, 0, 0, 0);
        for (node, pods) in &on_node {
            if should_run.get(node.as_str()).copied().unwrap_or(false) {
                current += 1;
                ready += i32::from(pods.iter().any(|p| p.is_ready()));
                available += i32::from(pods.iter().any(|p| p.is_available(min_ready, now)));
                updated += i32::from(pods.iter().any(|p| is_current(p, hash)));
            } else {
                misscheduled += 1;
            }
        }
        let desired = should_run.values().filter(|r| **r).count() as i32;
        st.desired_number_scheduled = desired;
        st.current_number_scheduled = current;
        st.number_misscheduled = misscheduled;
        st.number_ready = ready;
        st.number_available = available;
        st.updated_number_scheduled = updated;
        st.number_unavailable = (desired - available).max(0);
        st.observed_generation = ds.metadata.generation;
        // A ready pod becomes available after minReadySeconds.
        let next = pods
            .iter()
            .filter(|p| min_ready > 0 && p.is_ready() && !p.is_available(min_ready, now))
            .filter_map(|p| p.condition("Ready").and_then(|c| c.last_transition_time))
            .map(|t| t.plus_millis(min_ready * 1000 + 1))
            .min();
        drop(pods);
        if let Some(t) = next {
            self.schedule_at(t, crate::Task::SyncDaemonSet(ns.into(), name.into()));
        }
        if st != ds.status {
            ds.status = st;
            self.store.put(Object::DaemonSet(Box::new(ds)), now);
        }
    }

    /// Every DaemonSet looks again at the nodes (one was added, changed or removed).
    pub(crate) fn sync_all_daemon_sets(&mut self) {
        let all: Vec<(String, String)> = self
            .store
            .list(Kind::DaemonSet, None)
            .map(|o| (o.namespace().to_string(), o.name().to_string()))
            .collect();
        for (ns, name) in all {
            self.schedule_in(
                crate::delays::CONTROLLER,
                crate::Task::SyncDaemonSet(ns, name),
            );
        }
    }
}

/// The pod the DaemonSet runs on `node` (none yet for ""): the template with the daemon
/// tolerations, the revision label, and pinned to the node.
fn daemon_pod(ds: &DaemonSet, node: &str, hash: &str) -> Pod {
    let tmpl = &ds.spec.template;
    let mut meta = ObjectMeta::named(&ds.metadata.namespace, "");
    meta.generate_name = format!("{}-", ds.metadata.name);
    meta.labels = tmpl.metadata.labels.clone();
    meta.labels
        .insert(CONTROLLER_REVISION_HASH_LABEL.into(), hash.to_string());
    let template_generation = ds
        .metadata
        .annotation("deprecated.daemonset.template.generation")
        .unwrap_or("1")
        .to_string();
    meta.labels
        .insert("pod-template-generation".into(), template_generation);
    meta.annotations = tmpl.metadata.annotations.clone();
    meta.owner_references = vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: ds.metadata.name.clone(),
        uid: ds.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }];
    let mut spec = tmpl.spec.clone();
    for (key, effect) in DAEMON_TOLERATIONS {
        if !spec
            .tolerations
            .iter()
            .any(|t| t.key == key && t.effect == effect)
        {
            spec.tolerations.push(Toleration {
                key: key.into(),
                operator: "Exists".into(),
                effect: effect.into(),
                ..Default::default()
            });
        }
    }
    if !node.is_empty() {
        // `ReplaceDaemonSetPodNodeNameNodeAffinity`: the required terms become this one.
        let affinity = spec.affinity.get_or_insert_with(Affinity::default);
        let na = affinity
            .node_affinity
            .get_or_insert_with(NodeAffinity::default);
        na.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm {
                match_expressions: Vec::new(),
                match_fields: vec![LabelSelectorRequirement {
                    key: "metadata.name".into(),
                    operator: "In".into(),
                    values: vec![node.to_string()],
                }],
            }],
        });
    }
    Pod {
        metadata: meta,
        spec,
        status: Default::default(),
    }
}

/// The node a daemon pod is for: where it is bound, or the node its affinity pins it to.
fn target_node(p: &Pod) -> String {
    if !p.spec.node_name.is_empty() {
        return p.spec.node_name.clone();
    }
    p.spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .and_then(|s| s.node_selector_terms.first())
        .and_then(|t| t.match_fields.iter().find(|f| f.key == "metadata.name"))
        .and_then(|f| f.values.first())
        .cloned()
        .unwrap_or_default()
}

fn is_current(p: &Pod, hash: &str) -> bool {
    p.metadata
        .labels
        .get(CONTROLLER_REVISION_HASH_LABEL)
        .map(String::as_str)
        == Some(hash)
}

/// `maxUnavailable` / `maxSurge` of `total` nodes: a percentage rounds up for maxUnavailable
/// and down for maxSurge, as upstream scales them.
fn scaled(v: Option<&IntOrString>, total: usize, round_up: bool) -> usize {
    v.and_then(|v| v.scaled_value(total as i64, round_up).ok())
        .map_or(0, |n| n.max(0) as usize)
}
