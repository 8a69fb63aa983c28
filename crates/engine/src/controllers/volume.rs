//! The PersistentVolume controller and a simulated external provisioner: claims bind to the
//! smallest matching Available volume (or the one they or it name), a claim of a class with a
//! provisioner gets a volume made for it (after the class's WaitForFirstConsumer wait for a pod
//! to be scheduled, on the node the scheduler chose), and a volume whose claim is gone is
//! Released or, with the `Delete` reclaim policy, deleted. Claims in use by a pod and bound
//! volumes are protected from deletion (`kubernetes.io/pvc-protection`,
//! `kubernetes.io/pv-protection`) until they are not.

use std::collections::BTreeMap;

use kubeplay_api::core::{NodeSelector, NodeSelectorTerm};
use kubeplay_api::meta::{LabelSelectorRequirement, ObjectMeta, Time};
use kubeplay_api::storage::{
    ClaimReference, VolumeNodeAffinity, BIND_COMPLETED_ANNOTATION, BOUND_BY_CONTROLLER_ANNOTATION,
    PROVISIONED_BY_ANNOTATION, SELECTED_NODE_ANNOTATION, STORAGE_PROVISIONER_ANNOTATION,
};
use kubeplay_api::{ApiError, Kind, Object, PersistentVolume, PersistentVolumeClaim, StorageClass};
use kubeplay_scheduler::volumes::{claim_class, delays_binding, find_matching_volume, pod_claims};
use serde_json::json;

use crate::store::Key;
use crate::{Cluster, Task};

/// How long the simulated provisioner takes to create a volume.
pub(crate) const PROVISION_MS: i64 = 1_000;
pub(crate) const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub(crate) const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
/// The provisioner kind and Killercoda clusters run: a directory on the chosen node.
const LOCAL_PATH: &str = "rancher.io/local-path";

/// Claims handed to the provisioner, by claim UID: when their volume will be ready.
#[derive(Debug, Default)]
pub(crate) struct Provisioning {
    due: BTreeMap<String, Time>,
}

/// A volume's reference to the claim it is bound to.
fn claim_ref(claim: &PersistentVolumeClaim) -> ClaimReference {
    ClaimReference {
        api_version: "v1".into(),
        kind: "PersistentVolumeClaim".into(),
        namespace: claim.metadata.namespace.clone(),
        name: claim.metadata.name.clone(),
        uid: claim.metadata.uid.clone(),
        resource_version: claim.metadata.resource_version.clone(),
        field_path: String::new(),
    }
}

fn terminal(p: &kubeplay_api::Pod) -> bool {
    p.status.phase == "Succeeded" || p.status.phase == "Failed"
}

impl Cluster {
    fn classes(&self) -> Vec<&StorageClass> {
        self.store
            .list(Kind::StorageClass, None)
            .filter_map(|o| match o {
                Object::StorageClass(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// Admission for a new claim: DefaultStorageClass gives a claim that names no class the
    /// default one, and StorageObjectInUseProtection adds the protection finalizer.
    pub(crate) fn admit_claim(&self, pvc: &mut PersistentVolumeClaim) {
        if pvc.spec.storage_class_name.is_none() {
            // Several defaults: the newest wins, as upstream's admission picks it.
            let default = self
                .classes()
                .into_iter()
                .filter(|c| c.is_default())
                .max_by(|a, b| {
                    a.metadata
                        .creation_timestamp
                        .cmp(&b.metadata.creation_timestamp)
                        .then(b.metadata.name.cmp(&a.metadata.name))
                })
                .map(|c| c.metadata.name.clone());
            pvc.spec.storage_class_name = default;
        }
        if !pvc.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION) {
            pvc.metadata.finalizers.push(PVC_PROTECTION.into());
        }
    }

    pub(crate) fn admit_volume(&self, pv: &mut PersistentVolume) {
        if !pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION) {
            pv.metadata.finalizers.push(PV_PROTECTION.into());
        }
    }

    /// Whether a pod that has not finished mounts the claim (pvc-protection holds it then).
    pub(crate) fn claim_in_use(&self, ns: &str, name: &str) -> bool {
        self.store.list(Kind::Pod, Some(ns)).any(|o| match o {
            Object::Pod(p) => !terminal(p) && pod_claims(p).any(|c| c == name),
            _ => false,
        })
    }

    /// `DELETE` of a claim or a volume: one still in use gets a deletion timestamp and stays
    /// (Terminating) until the controller sees it free. Returns None when the caller should
    /// remove the object now.
    pub(crate) fn protect_storage(&mut self, obj: &Object) -> Option<Object> {
        let protected = match obj {
            Object::PersistentVolumeClaim(c) => {
                c.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION)
                    && self.claim_in_use(&c.metadata.namespace, &c.metadata.name)
            }
            Object::PersistentVolume(v) => {
                v.metadata.finalizers.iter().any(|f| f == PV_PROTECTION)
                    && v.status.phase == "Bound"
            }
            _ => false,
        };
        if !protected {
            return None;
        }
        let mut o = obj.clone();
        if o.meta().deletion_timestamp.is_none() {
            o.meta_mut().deletion_timestamp = Some(self.now);
            self.store.put(o.clone(), self.now);
        }
        Some(o)
    }

    /// A claim was removed: the volumes bound to it are released.
    pub(crate) fn claim_removed(&mut self, claim: &PersistentVolumeClaim) {
        let bound: Vec<String> = self
            .store
            .list(Kind::PersistentVolume, None)
            .filter_map(|o| match o {
                Object::PersistentVolume(v)
                    if v.spec.claim_ref.as_ref().is_some_and(|r| {
                        r.namespace == claim.metadata.namespace && r.name == claim.metadata.name
                    }) =>
                {
                    Some(v.metadata.name.clone())
                }
                _ => None,
            })
            .collect();
        for name in bound {
            self.schedule_in(crate::delays::CONTROLLER, Task::SyncVolume(name));
        }
        self.provisioning.due.remove(&claim.metadata.uid);
    }

    /// Claims that wait for a volume look again (a volume or class appeared or was freed).
    pub(crate) fn resync_pending_claims(&mut self) {
        let pending: Vec<(String, String)> = self
            .store
            .list(Kind::PersistentVolumeClaim, None)
            .filter_map(|o| match o {
                Object::PersistentVolumeClaim(c) if c.status.phase == "Pending" => {
                    Some((c.metadata.namespace.clone(), c.metadata.name.clone()))
                }
                _ => None,
            })
            .collect();
        for (ns, name) in pending {
            self.schedule_in(crate::delays::CONTROLLER, Task::SyncClaim(ns, name));
        }
    }

    /// A pod went away: claims it kept from deletion may go now.
    pub(crate) fn pod_released_claims(&mut self, pod: &kubeplay_api::Pod) {
        let names: Vec<String> = pod_claims(pod).map(str::to_string).collect();
        for name in names {
            self.schedule_in(
                crate::delays::CONTROLLER,
                Task::SyncClaim(pod.metadata.namespace.clone(), name),
            );
        }
    }

    pub(crate) fn sync_claim(&mut self, ns: &str, name: &str) {
        let key = Key::new(Kind::PersistentVolumeClaim, ns, name);
        let Some(Object::PersistentVolumeClaim(claim)) = self.store.get(&key).cloned() else {
            return;
        };
        if claim.metadata.deletion_timestamp.is_some() {
            if !self.claim_in_use(ns, name) {
                if let Some(o) = self.store.remove(&key, self.now) {
                    if let Object::PersistentVolumeClaim(c) = &*o {
                        let c = c.clone();
                        self.claim_removed(&c);
                    }
                }
            }
            return;
        }
        if claim.status.phase == "Bound" {
            let lost = !self.store.contains(&Key::new(
                Kind::PersistentVolume,
                "",
                &claim.spec.volume_name,
            ));
            if lost {
                let mut c = claim;
                c.status.phase = "Lost".into();
                let obj = Object::PersistentVolumeClaim(c);
                self.event(
                    &obj,
                    "Warning",
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
                    "persistentvolume-controller",
                    "",
                );
                self.store.put(obj, self.now);
            }
            return;
        }
        if claim.status.phase == "Lost" {
            return;
        }
        let classes = self.classes();
        let delayed = delays_binding(&claim, &classes);
        let class = claim_class(&claim).to_string();
        let class_obj = classes
            .iter()
            .find(|c| c.metadata.name == class)
            .map(|c| (*c).clone());
        let selected = claim
            .metadata
            .annotation(SELECTED_NODE_ANNOTATION)
            .map(str::to_string);
        let node =
            selected
                .as_ref()
                .and_then(|n| match self.store.get(&Key::new(Kind::Node, "", n)) {
                    Some(Object::Node(node)) => Some(node.clone()),
                    _ => None,
                });
        let found = {
            let volumes: Vec<&PersistentVolume> = self
                .store
                .list(Kind::PersistentVolume, None)
                .filter_map(|o| match o {
                    Object::PersistentVolume(v) => Some(v),
                    _ => None,
                })
                .collect();
            find_matching_volume(&claim, &volumes, node.as_ref(), delayed).cloned()
        };
        if let Some(pv) = found {
            self.bind_claim(claim, pv);
            return;
        }
        let obj = Object::PersistentVolumeClaim(claim.clone());
        const PV_CONTROLLER: &str = "persistentvolume-controller";
        if !claim.spec.volume_name.is_empty() {
            // Waits for the volume it names.
            return;
        }
        if delayed && selected.is_none() {
            self.event(
                &obj,
                "Normal",
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".into(),
                PV_CONTROLLER,
                "",
            );
            return;
        }
        let Some(sc) = class_obj else {
            if class.is_empty() {
                self.event(
                    &obj,
                    "Normal",
                    "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set"
                        .into(),
                    PV_CONTROLLER,
                    "",
                );
            } else {
                self.event(
                    &obj,
                    "Warning",
                    "ProvisioningFailed",
                    format!("storageclass.storage.k8s.io \"{class}\" not found"),
                    PV_CONTROLLER,
                    "",
                );
            }
            return;
        };
        self.event(
            &obj,
            "Normal",
            "ExternalProvisioning",
            format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner),
            PV_CONTROLLER,
            "",
        );
        if !sc.provisions() {
            return;
        }
        let now = self.now;
        match self.provisioning.due.get(&claim.metadata.uid).copied() {
            None => {
                let mut c = claim.clone();
                c.metadata.annotations.insert(
                    STORAGE_PROVISIONER_ANNOTATION.into(),
                    sc.provisioner.clone(),
                );
                c.metadata.annotations.insert(
                    "volume.beta.kubernetes.io/storage-provisioner".into(),
                    sc.provisioner.clone(),
                );
                let obj = Object::PersistentVolumeClaim(c);
                self.event(
                    &obj,
                    "Normal",
                    "Provisioning",
                    format!(
                        "External provisioner is provisioning volume for claim \"{ns}/{name}\""
                    ),
                    &sc.provisioner,
                    "",
                );
                self.store.put(obj, now);
                let due = now.plus_millis(PROVISION_MS);
                self.provisioning
                    .due
                    .insert(claim.metadata.uid.clone(), due);
                self.schedule_at(due, Task::SyncClaim(ns.into(), name.into()));
            }
            Some(due) if due <= now => {
                self.provisioning.due.remove(&claim.metadata.uid);
                let pv = self.provisioned_volume(&claim, &sc, node.as_ref());
                let volume_name = pv.metadata.name.clone();
                match self.create(Object::PersistentVolume(pv)) {
                    Ok(Object::PersistentVolume(pv)) => {
                        self.event(
                            &obj,
                            "Normal",
                            "ProvisioningSucceeded",
                            format!("Successfully provisioned volume {volume_name}"),
                            &sc.provisioner,
                            "",
                        );
                        let claim = match self.store.get(&key) {
                            Some(Object::PersistentVolumeClaim(c)) => c.clone(),
                            _ => return,
                        };
                        self.bind_claim(claim, pv);
                    }
                    Ok(_) => {}
                    Err(e) => self.event(
                        &obj,
                        "Warning",
                        "ProvisioningFailed",
                        e.message,
                        &sc.provisioner,
                        "",
                    ),
                }
            }
            Some(due) => self.schedule_at(due, Task::SyncClaim(ns.into(), name.into())),
        }
    }

    /// The volume a provisioner makes for a claim: `pvc-<claim uid>`, the size and access modes
    /// asked for, the class's reclaim policy; local-path's is a directory on the selected node.
    fn provisioned_volume(
        &self,
        claim: &PersistentVolumeClaim,
        sc: &StorageClass,
        node: Option<&kubeplay_api::Node>,
    ) -> PersistentVolume {
        let name = format!("pvc-{}", claim.metadata.uid);
        let mut meta = ObjectMeta::named("", &name);
        meta.annotations
            .insert(PROVISIONED_BY_ANNOTATION.into(), sc.provisioner.clone());
        let mut pv = PersistentVolume {
            metadata: meta,
            ..Default::default()
        };
        let s = &mut pv.spec;
        s.capacity.insert(
            "storage".into(),
            claim
                .spec
                .resources
                .requests
                .get("storage")
                .cloned()
                .unwrap_or_else(kubeplay_api::Quantity::zero),
        );
        s.access_modes = claim.spec.access_modes.clone();
        s.persistent_volume_reclaim_policy =
            sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into());
        s.storage_class_name = sc.metadata.name.clone();
        s.volume_mode = claim.spec.volume_mode.clone();
        s.claim_ref = Some(claim_ref(claim));
        match (sc.provisioner.as_str(), node) {
            (LOCAL_PATH, Some(n)) => {
                s.extra.insert(
                    "hostPath".into(),
                    json!({
                        "path": format!("/opt/local-path-provisioner/{name}_{}_{}", claim.metadata.namespace, claim.metadata.name),
                        "type": "DirectoryOrCreate",
                    }),
                );
                s.node_affinity = Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: vec![LabelSelectorRequirement {
                                key: "kubernetes.io/hostname".into(),
                                operator: "In".into(),
                                values: vec![n
                                    .metadata
                                    .labels
                                    .get("kubernetes.io/hostname")
                                    .cloned()
                                    .unwrap_or_else(|| n.metadata.name.clone())],
                            }],
                            match_fields: vec![],
                        }],
                    }),
                });
            }
            _ => {
                s.extra.insert(
                    "csi".into(),
                    json!({
                        "driver": sc.provisioner,
                        "volumeHandle": name,
                        "fsType": "ext4",
                    }),
                );
            }
        }
        pv
    }

    /// Binds a claim and a volume to each other, as the controller's `bind` does: the volume's
    /// `claimRef`, the claim's `volumeName`, both Bound.
    fn bind_claim(&mut self, mut claim: PersistentVolumeClaim, mut pv: PersistentVolume) {
        let now = self.now;
        if pv.spec.claim_ref.as_ref().is_none_or(|r| r.uid.is_empty()) {
            if pv.spec.claim_ref.is_none() {
                pv.metadata
                    .annotations
                    .insert(BOUND_BY_CONTROLLER_ANNOTATION.into(), "yes".into());
            }
            pv.spec.claim_ref = Some(claim_ref(&claim));
        }
        if pv.status.phase != "Bound" {
            pv.status.phase = "Bound".into();
            pv.status.last_phase_transition_time = Some(now);
        }
        if claim.spec.volume_name.is_empty() {
            claim.spec.volume_name = pv.metadata.name.clone();
            claim
                .metadata
                .annotations
                .insert(BOUND_BY_CONTROLLER_ANNOTATION.into(), "yes".into());
        }
        claim
            .metadata
            .annotations
            .insert(BIND_COMPLETED_ANNOTATION.into(), "yes".into());
        claim.status.phase = "Bound".into();
        claim.status.access_modes = pv.spec.access_modes.clone();
        claim.status.capacity = pv.spec.capacity.clone();
        self.record(
            "persistentvolume-controller",
            format!(
                "PersistentVolumeClaim {}/{}",
                claim.metadata.namespace, claim.metadata.name
            ),
            format!("bound to volume {}", pv.metadata.name),
        );
        let (ns, name) = (
            claim.metadata.namespace.clone(),
            claim.metadata.name.clone(),
        );
        self.store.put(Object::PersistentVolume(pv), now);
        self.store.put(Object::PersistentVolumeClaim(claim), now);
        // Pods that wait for the claim: the scheduler (Immediate) and the kubelet (mounting).
        self.schedule_in(crate::delays::SCHEDULER, Task::Schedule);
        self.kubelet_claim_bound(&ns, &name);
    }

    pub(crate) fn sync_volume(&mut self, name: &str) {
        let key = Key::new(Kind::PersistentVolume, "", name);
        let Some(Object::PersistentVolume(mut pv)) = self.store.get(&key).cloned() else {
            return;
        };
        let now = self.now;
        if pv.metadata.deletion_timestamp.is_some() && pv.status.phase != "Bound" {
            self.store.remove(&key, now);
            return;
        }
        let claim = pv.spec.claim_ref.as_ref().map(|r| {
            let c = match self.store.get(&Key::new(
                Kind::PersistentVolumeClaim,
                &r.namespace,
                &r.name,
            )) {
                Some(Object::PersistentVolumeClaim(c)) => Some(c),
                _ => None,
            };
            (
                r.uid.is_empty(),
                c.is_some_and(|c| r.uid.is_empty() || c.metadata.uid == r.uid),
            )
        });
        match claim {
            None if pv.status.phase.is_empty() || pv.status.phase == "Pending" => {
                pv.status.phase = "Available".into();
                pv.status.last_phase_transition_time = Some(now);
                self.store.put(Object::PersistentVolume(pv), now);
                self.resync_pending_claims();
            }
            // Pre-bound to a claim that exists or is yet to come: Available for it alone.
            Some((true, exists)) => {
                if pv.status.phase.is_empty() || pv.status.phase == "Pending" {
                    pv.status.phase = "Available".into();
                    pv.status.last_phase_transition_time = Some(now);
                    self.store.put(Object::PersistentVolume(pv), now);
                }
                if exists {
                    self.resync_pending_claims();
                }
            }
            Some((false, false))
                if pv.status.phase != "Released" && pv.status.phase != "Failed" =>
            {
                match pv.spec.persistent_volume_reclaim_policy.as_str() {
                    "Delete" => {
                        self.record(
                            "persistentvolume-controller",
                            format!("PersistentVolume {name}"),
                            "claim deleted: deleting volume (reclaim policy Delete)".into(),
                        );
                        self.store.remove(&key, now);
                    }
                    "Recycle" => {
                        pv.spec.claim_ref = None;
                        pv.status.phase = "Available".into();
                        pv.status.last_phase_transition_time = Some(now);
                        self.volume_data_forget(&format!("pv/{name}"));
                        self.store.put(Object::PersistentVolume(pv), now);
                        self.resync_pending_claims();
                    }
                    _ => {
                        pv.status.phase = "Released".into();
                        pv.status.last_phase_transition_time = Some(now);
                        self.store.put(Object::PersistentVolume(pv), now);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Refuses a change to a bound claim's spec other than its size, as the API server does.
pub(crate) fn validate_claim_update(
    old: &PersistentVolumeClaim,
    new: &PersistentVolumeClaim,
) -> Result<(), ApiError> {
    let mut a = old.spec.clone();
    let mut b = new.spec.clone();
    a.resources.requests.remove("storage");
    b.resources.requests.remove("storage");
    if b.volume_name.is_empty() {
        b.volume_name = a.volume_name.clone();
    }
    if a != b {
        return Err(ApiError::invalid(
            "PersistentVolumeClaim",
            &new.metadata.name,
            &["spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".to_string()],
        ));
    }
    Ok(())
}
