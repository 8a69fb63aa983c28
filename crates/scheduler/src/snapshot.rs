//! What the scheduler sees of the cluster: the engine's snapshot, and its prepared form with
//! per-node sums and memoised label counts that make thousands of attempts per second possible.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_api::{
    LabelSelector, Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass,
};

use crate::resources::{node_allocatable, pod_requests_both, Resources};

/// One node and the pods bound to it (including terminating pods, which still hold resources).
#[derive(Clone, Debug)]
pub struct NodeInfo<'a> {
    pub node: &'a Node,
    pub pods: Vec<&'a Pod>,
}

/// What the scheduler sees of the cluster for one cycle.
#[derive(Clone, Debug, Default)]
pub struct Snapshot<'a> {
    /// Every node, in a stable order (the engine's store order): the rotating start index of
    /// percentageOfNodesToScore walks this list.
    pub nodes: Vec<NodeInfo<'a>>,
    /// The selectors of the Services and of the controllers (ReplicationControllers, ReplicaSets,
    /// StatefulSets) of the cluster. PodTopologySpread's system-default constraints spread a pod
    /// among the pods that the Services of its namespace selecting it and its own controller
    /// select; the others are ignored, so the engine may pass every one.
    pub owner_selectors: Vec<OwnerSelector>,
    /// Each Namespace's labels, for InterPodAffinity terms' `namespaceSelector`.
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Claims, volumes and classes, for VolumeRestrictions and VolumeBinding. Only pods that
    /// mount a claim read them.
    pub storage: Storage<'a>,
}

/// The storage objects of the cluster.
#[derive(Clone, Debug, Default)]
pub struct Storage<'a> {
    pub claims: Vec<&'a PersistentVolumeClaim>,
    pub volumes: Vec<&'a PersistentVolume>,
    pub classes: Vec<&'a StorageClass>,
    /// (namespace, claim, pod) for every claim a pod that has not finished mounts: who holds a
    /// ReadWriteOncePod claim.
    pub in_use: Vec<(&'a str, &'a str, &'a str)>,
}

/// A selector system-default spreading may take for a pod (`helper.DefaultSelector`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnerSelector {
    /// The namespace of the Service or controller: it applies only to pods of this namespace.
    pub namespace: String,
    /// For a controller, its uid: it applies only to the pods it controls (their controller
    /// ownerReference). None for a Service, which applies to every pod its selector matches.
    pub controller_uid: Option<String>,
    pub selector: LabelSelector,
}

impl OwnerSelector {
    /// A Service's selector.
    pub fn service(namespace: &str, selector: LabelSelector) -> OwnerSelector {
        OwnerSelector {
            namespace: namespace.to_string(),
            controller_uid: None,
            selector,
        }
    }

    /// A controller's selector (ReplicaSet, ReplicationController, StatefulSet).
    pub fn controller(namespace: &str, uid: &str, selector: LabelSelector) -> OwnerSelector {
        OwnerSelector {
            namespace: namespace.to_string(),
            controller_uid: Some(uid.to_string()),
            selector,
        }
    }

    /// Whether this selector is one of `pod`'s for default spreading.
    pub fn applies_to(&self, pod: &Pod) -> bool {
        if self.namespace != pod.metadata.namespace || self.selector.is_empty() {
            return false;
        }
        match &self.controller_uid {
            Some(uid) => pod
                .metadata
                .owner_references
                .iter()
                .any(|o| o.controller == Some(true) && &o.uid == uid),
            None => self.selector.matches(&pod.metadata.labels),
        }
    }
}

impl<'a> Snapshot<'a> {
    /// Indexes the snapshot for repeated attempts (see [`PreparedSnapshot`]).
    pub fn prepare(&self) -> PreparedSnapshot<'a> {
        PreparedSnapshot::new(self)
    }
}

/// The sums of a node's pods' requests that upstream's `NodeInfo` keeps (`Requested` and
/// `NonZeroRequested`). An embedder that knows which nodes' pods did not change since the last
/// cycle may keep these and pass them to [`PreparedSnapshot::with_sums`] instead of having every
/// pod's requests read again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSums {
    pub requested: Resources,
    pub non_zero_cpu: i64,
    pub non_zero_memory: i64,
}

impl NodeSums {
    /// The sums of `pods` (a node's, as in its [`NodeInfo`]).
    pub fn of<'p>(pods: impl IntoIterator<Item = &'p Pod>) -> NodeSums {
        let mut s = NodeSums::default();
        for p in pods {
            s.add(p);
        }
        s
    }

    fn add(&mut self, pod: &Pod) {
        let (actual, nz) = pod_requests_both(pod);
        self.requested.add(&actual);
        self.non_zero_cpu = self.non_zero_cpu.saturating_add(nz.milli_cpu);
        self.non_zero_memory = self.non_zero_memory.saturating_add(nz.memory);
    }

    fn sub(&mut self, pod: &Pod) {
        let (actual, nz) = pod_requests_both(pod);
        self.requested.sub(&actual);
        self.non_zero_cpu = self.non_zero_cpu.saturating_sub(nz.milli_cpu);
        self.non_zero_memory = self.non_zero_memory.saturating_sub(nz.memory);
    }
}

/// Size of an image and on how many nodes of the cluster it is present (`ImageStateSummary`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ImageSummary {
    pub size: i64,
    pub num_nodes: usize,
}

/// A node with the sums upstream's `NodeInfo` keeps.
#[derive(Debug)]
pub(crate) struct PreparedNode<'a> {
    pub node: &'a Node,
    /// Copied out of the node so that filtering reads only this (contiguous) struct.
    pub name: &'a str,
    pub unschedulable: bool,
    pub taints: &'a [kubeplay_api::core::Taint],
    pub pods: Vec<&'a Pod>,
    pub allocatable: Resources,
    /// `1 / allocatable` for cpu and memory (0 when there is none): scorers multiply.
    pub inv_milli_cpu: f64,
    pub inv_memory: f64,
    /// Σ requests of the node's pods.
    pub sums: NodeSums,
    /// Names of the images present on the node, sorted.
    pub images: Vec<&'a str>,
    /// Pods with any pod affinity or anti-affinity term (`PodsWithAffinity`).
    pub with_affinity: Vec<&'a Pod>,
    /// Pods with a required anti-affinity term (`PodsWithRequiredAntiAffinity`).
    pub with_required_anti_affinity: Vec<&'a Pod>,
}

/// A [`Snapshot`] indexed for scheduling: per-node resource sums, image summaries, and memoised
/// counts of pods matching a selector. Build it once, then [`add_pod`](Self::add_pod) each pod the
/// scheduler binds, as upstream's scheduler cache does, instead of rebuilding per attempt.
pub struct PreparedSnapshot<'a> {
    pub(crate) nodes: Vec<PreparedNode<'a>>,
    pub(crate) owner_selectors: Vec<OwnerSelector>,
    pub(crate) namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    pub(crate) storage: Storage<'a>,
    pub(crate) images: BTreeMap<&'a str, ImageSummary>,
    pub(crate) pods_with_affinity: usize,
    pub(crate) pods_with_required_anti_affinity: usize,
    by_name: BTreeMap<&'a str, usize>,
    /// Every pod added since preparation, in order: memoised counts catch up from here.
    log: Vec<(u32, &'a Pod)>,
    memo: RefCell<Memo<'a>>,
}

#[derive(Default)]
struct Memo<'a> {
    counts: Vec<SelectorCounts>,
    domains: Vec<Rc<Domains<'a>>>,
    clock: u64,
}

struct SelectorCounts {
    fingerprint: u64,
    namespace: String,
    selector: LabelSelector,
    per_node: Rc<Vec<u32>>,
    /// Per topology key: matching pods summed per domain (last slot: nodes lacking the key).
    sums: Vec<DomainSums>,
    synced: usize,
    last_used: u64,
}

/// A topology key, its nodes' domains, and the matching pods summed per domain.
type DomainSums = (String, Rc<Vec<u32>>, Rc<Vec<i64>>);

/// The topology domains of one label key: each node's domain index (or [`NO_DOMAIN`]).
#[derive(Debug)]
pub(crate) struct Domains<'a> {
    pub key: String,
    pub of_node: Vec<u32>,
    pub values: Vec<&'a str>,
}

pub(crate) const NO_DOMAIN: u32 = u32::MAX;
/// Enough for every Deployment of a large playground cluster; each entry is one u32 per node.
const MAX_MEMOISED_SELECTORS: usize = 512;

pub(crate) fn has_pod_affinity(pod: &Pod) -> bool {
    pod.spec.affinity.as_ref().is_some_and(|a| {
        a.pod_affinity.as_ref().is_some_and(|p| {
            !p.required_during_scheduling_ignored_during_execution
                .is_empty()
                || !p
                    .preferred_during_scheduling_ignored_during_execution
                    .is_empty()
        }) || a.pod_anti_affinity.as_ref().is_some_and(|p| {
            !p.required_during_scheduling_ignored_during_execution
                .is_empty()
                || !p
                    .preferred_during_scheduling_ignored_during_execution
                    .is_empty()
        })
    })
}

pub(crate) fn has_required_anti_affinity(pod: &Pod) -> bool {
    pod.spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|p| {
            !p.required_during_scheduling_ignored_during_execution
                .is_empty()
        })
}

/// Whether `pod` counts towards a spread selector: same namespace, not terminating, labels match.
pub(crate) fn counts_for(pod: &Pod, namespace: &str, selector: &LabelSelector) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod.metadata.namespace == namespace
        && selector.matches(&pod.metadata.labels)
}

impl<'a> PreparedNode<'a> {
    fn new(node: &'a Node) -> Self {
        let mut n = Self::bare(node);
        let inv = |v: i64| if v > 0 { 1.0 / v as f64 } else { 0.0 };
        n.inv_milli_cpu = inv(n.allocatable.milli_cpu);
        n.inv_memory = inv(n.allocatable.memory);
        n
    }

    fn bare(node: &'a Node) -> Self {
        let mut images: Vec<&'a str> = node
            .status
            .images
            .iter()
            .flat_map(|i| i.names.iter().map(String::as_str))
            .collect();
        images.sort_unstable();
        images.dedup();
        PreparedNode {
            node,
            name: &node.metadata.name,
            unschedulable: node.spec.unschedulable,
            taints: &node.spec.taints,
            pods: Vec::new(),
            inv_milli_cpu: 0.0,
            inv_memory: 0.0,
            allocatable: node_allocatable(node),
            sums: NodeSums::default(),
            images,
            with_affinity: Vec::new(),
            with_required_anti_affinity: Vec::new(),
        }
    }

    fn add(&mut self, pod: &'a Pod) {
        self.sums.add(pod);
        self.add_to_lists(pod);
    }

    /// The pod in the node's lists, without its requests (already in the sums).
    fn add_to_lists(&mut self, pod: &'a Pod) {
        if has_pod_affinity(pod) {
            self.with_affinity.push(pod);
        }
        if has_required_anti_affinity(pod) {
            self.with_required_anti_affinity.push(pod);
        }
        self.pods.push(pod);
    }

    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn has_image(&self, name: &str) -> bool {
        self.images.binary_search(&name).is_ok()
    }
}

/// FNV-1a over a namespace and selector: memo lookups compare this before the selectors.
fn fingerprint(namespace: &str, selector: &LabelSelector) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(namespace);
    for (k, v) in &selector.match_labels {
        eat(k);
        eat(v);
    }
    for r in &selector.match_expressions {
        eat(&r.key);
        eat(&r.operator);
        for v in &r.values {
            eat(v);
        }
    }
    h
}

fn same_pod(a: &Pod, b: &Pod) -> bool {
    std::ptr::eq(a, b)
        || (a.metadata.namespace == b.metadata.namespace && a.metadata.name == b.metadata.name)
}

impl<'a> PreparedSnapshot<'a> {
    pub fn new(snapshot: &Snapshot<'a>) -> Self {
        Self::with_sums(snapshot, &[])
    }

    /// As [`new`](Self::new), taking the `i`th node's request sums from `sums[i]` where it is
    /// `Some` (they must be [`NodeSums::of`] that node's pods) instead of reading every pod's
    /// requests again.
    pub fn with_sums(snapshot: &Snapshot<'a>, sums: &[Option<NodeSums>]) -> Self {
        let mut nodes: Vec<PreparedNode<'a>> = Vec::with_capacity(snapshot.nodes.len());
        let mut images: BTreeMap<&'a str, ImageSummary> = BTreeMap::new();
        let (mut with_affinity, mut with_anti) = (0, 0);
        for (i, info) in snapshot.nodes.iter().enumerate() {
            let mut n = PreparedNode::new(info.node);
            match sums.get(i) {
                Some(Some(known)) => {
                    n.sums = known.clone();
                    for p in &info.pods {
                        n.add_to_lists(p);
                    }
                }
                _ => {
                    for p in &info.pods {
                        n.add(p);
                    }
                }
            }
            with_affinity += n.with_affinity.len();
            with_anti += n.with_required_anti_affinity.len();
            // Each node counts once per image name, however often its status lists the name
            // (upstream keeps a set of nodes per image).
            let mut seen: Vec<&str> = Vec::new();
            for image in &info.node.status.images {
                for name in &image.names {
                    if seen.contains(&name.as_str()) {
                        continue;
                    }
                    seen.push(name);
                    let e = images.entry(name.as_str()).or_insert(ImageSummary {
                        size: image.size_bytes,
                        num_nodes: 0,
                    });
                    e.num_nodes += 1;
                }
            }
            nodes.push(n);
        }
        PreparedSnapshot {
            nodes,
            owner_selectors: snapshot.owner_selectors.clone(),
            namespace_labels: snapshot.namespace_labels.clone(),
            storage: snapshot.storage.clone(),
            images,
            pods_with_affinity: with_affinity,
            pods_with_required_anti_affinity: with_anti,
            by_name: snapshot
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.node.metadata.name.as_str(), i))
                .collect(),
            log: Vec::new(),
            memo: RefCell::new(Memo::default()),
        }
    }

    /// How many nodes the snapshot holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The nodes, in snapshot order.
    pub fn node_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.nodes.iter().map(|n| n.name())
    }

    /// Records `pod` as bound to the node at `index` (the scheduler cache's `AssumePod`). Returns
    /// false if there is no such node.
    pub fn add_pod(&mut self, index: usize, pod: &'a Pod) -> bool {
        let Some(n) = self.nodes.get_mut(index) else {
            return false;
        };
        n.add(pod);
        if has_pod_affinity(pod) {
            self.pods_with_affinity += 1;
        }
        if has_required_anti_affinity(pod) {
            self.pods_with_required_anti_affinity += 1;
        }
        self.log.push((index as u32, pod));
        true
    }

    /// Removes a pod (matched by identity, or by namespace and name) from the node at `index`.
    /// Returns false if it was not there.
    pub fn remove_pod(&mut self, index: usize, pod: &Pod) -> bool {
        let Some(n) = self.nodes.get_mut(index) else {
            return false;
        };
        let Some(pos) = n.pods.iter().position(|p| same_pod(p, pod)) else {
            return false;
        };
        let removed = n.pods.remove(pos);
        n.sums.sub(removed);
        if let Some(i) = n.with_affinity.iter().position(|p| same_pod(p, removed)) {
            n.with_affinity.remove(i);
            self.pods_with_affinity -= 1;
        }
        if let Some(i) = n
            .with_required_anti_affinity
            .iter()
            .position(|p| same_pod(p, removed))
        {
            n.with_required_anti_affinity.remove(i);
            self.pods_with_required_anti_affinity -= 1;
        }
        // Counts only ever catch up by addition: forget them.
        self.log.clear();
        self.memo.borrow_mut().counts.clear();
        true
    }

    /// Per node, how many of its pods count towards `selector` in `namespace` (see [`counts_for`]).
    /// Memoised per selector and kept current from the log of added pods.
    pub(crate) fn matching_counts(
        &self,
        namespace: &str,
        selector: &LabelSelector,
    ) -> Rc<Vec<u32>> {
        let mut memo = self.memo.borrow_mut();
        let i = self.memo_entry(&mut memo, namespace, selector);
        Rc::clone(&memo.counts[i].per_node)
    }

    /// Matching pods (as [`matching_counts`](Self::matching_counts)) summed per domain of
    /// `domains`, over every node; the last slot sums the nodes lacking the key. Memoised with the
    /// counts and kept current from the same log.
    pub(crate) fn matching_domain_sums(
        &self,
        namespace: &str,
        selector: &LabelSelector,
        domains: &Domains,
    ) -> Rc<Vec<i64>> {
        let mut memo = self.memo.borrow_mut();
        let i = self.memo_entry(&mut memo, namespace, selector);
        let entry = &mut memo.counts[i];
        if let Some((_, _, sums)) = entry.sums.iter().find(|(k, _, _)| *k == domains.key) {
            return Rc::clone(sums);
        }
        let mut sums = vec![0i64; domains.values.len() + 1];
        for (n, &c) in entry.per_node.iter().enumerate() {
            let d = domains.of_node.get(n).copied().unwrap_or(NO_DOMAIN);
            let slot = if d == NO_DOMAIN {
                domains.values.len()
            } else {
                d as usize
            };
            sums[slot] += c as i64;
        }
        let sums = Rc::new(sums);
        entry.sums.push((
            domains.key.clone(),
            Rc::new(domains.of_node.clone()),
            Rc::clone(&sums),
        ));
        sums
    }

    /// The memo entry of a selector, created or brought up to date.
    fn memo_entry(&self, memo: &mut Memo<'a>, namespace: &str, selector: &LabelSelector) -> usize {
        memo.clock += 1;
        let clock = memo.clock;
        let fp = fingerprint(namespace, selector);
        let found = memo.counts.iter().position(|c| {
            c.fingerprint == fp && c.namespace == namespace && &c.selector == selector
        });
        let i = match found {
            Some(i) => i,
            None => {
                let per_node: Vec<u32> = self
                    .nodes
                    .iter()
                    .map(|n| {
                        n.pods
                            .iter()
                            .filter(|p| counts_for(p, namespace, selector))
                            .count() as u32
                    })
                    .collect();
                let entry = SelectorCounts {
                    fingerprint: fp,
                    namespace: namespace.to_string(),
                    selector: selector.clone(),
                    per_node: Rc::new(per_node),
                    sums: Vec::new(),
                    synced: self.log.len(),
                    last_used: clock,
                };
                if memo.counts.len() >= MAX_MEMOISED_SELECTORS {
                    let oldest = memo
                        .counts
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, c)| c.last_used)
                        .map(|(i, _)| i)
                        .unwrap_or(0);
                    memo.counts.swap_remove(oldest);
                }
                memo.counts.push(entry);
                memo.counts.len() - 1
            }
        };
        let entry = &mut memo.counts[i];
        entry.last_used = clock;
        if entry.synced < self.log.len() {
            let counts = Rc::make_mut(&mut entry.per_node);
            for (node, pod) in &self.log[entry.synced..] {
                if counts_for(pod, &entry.namespace, &entry.selector) {
                    let node = *node as usize;
                    if let Some(c) = counts.get_mut(node) {
                        *c += 1;
                    }
                    for (_, of_node, sums) in entry.sums.iter_mut() {
                        let d = of_node.get(node).copied().unwrap_or(NO_DOMAIN);
                        let sums = Rc::make_mut(sums);
                        let slot = if d == NO_DOMAIN {
                            sums.len() - 1
                        } else {
                            d as usize
                        };
                        if let Some(s) = sums.get_mut(slot) {
                            *s += 1;
                        }
                    }
                }
            }
            entry.synced = self.log.len();
        }
        i
    }

    /// The topology domains of label `key` over all nodes. Memoised: nodes do not change.
    pub(crate) fn domains(&self, key: &str) -> Rc<Domains<'a>> {
        let mut memo = self.memo.borrow_mut();
        if let Some(d) = memo.domains.iter().find(|d| d.key == key) {
            return Rc::clone(d);
        }
        let mut values: Vec<&'a str> = Vec::new();
        let mut index: BTreeMap<&'a str, u32> = BTreeMap::new();
        let of_node = self
            .nodes
            .iter()
            .map(|n| match n.node.metadata.labels.get(key) {
                Some(v) => *index.entry(v.as_str()).or_insert_with(|| {
                    values.push(v.as_str());
                    (values.len() - 1) as u32
                }),
                None => NO_DOMAIN,
            })
            .collect();
        let d = Rc::new(Domains {
            key: key.to_string(),
            of_node,
            values,
        });
        memo.domains.push(Rc::clone(&d));
        d
    }
}
