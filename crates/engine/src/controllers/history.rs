//! ControllerRevisions, as the DaemonSet and StatefulSet controllers keep them (upstream's
//! `controller/history`): one per distinct pod template, named `<owner>-<hash>`, numbered in the
//! order the templates were last in force (a template that comes back, as after `rollout undo`,
//! takes the next number), owned by the workload, at most `revisionHistoryLimit` old ones kept.
//! `rollout history` and `undo` read them.

use kubeplay_api::apps::ControllerRevision;
use kubeplay_api::core::PodTemplateSpec;
use kubeplay_api::{Kind, Object, ObjectMeta, OwnerReference};
use serde_json::json;

use crate::store::Key;
use crate::Cluster;

/// Who a revision belongs to.
pub(crate) struct Owner<'a> {
    pub kind: &'a str,
    pub meta: &'a ObjectMeta,
    pub revision_history_limit: i32,
}

impl Cluster {
    /// The revisions `owner` controls, oldest first.
    pub(crate) fn revisions_of(&self, uid: &str, ns: &str) -> Vec<&ControllerRevision> {
        let mut v: Vec<&ControllerRevision> = self
            .store
            .dependents(uid)
            .filter_map(|o| match o {
                Object::ControllerRevision(r)
                    if r.metadata.namespace == ns
                        && r.metadata.controller().is_some_and(|c| c.uid == uid) =>
                {
                    Some(r)
                }
                _ => None,
            })
            .collect();
        v.sort_by_key(|r| (r.revision, r.metadata.name.clone()));
        v
    }

    /// Makes `name` the newest revision of `owner` with this template (creating it, or
    /// renumbering it if an older one), drops old ones beyond the history limit but those in
    /// `live` (revisions pods still run), and returns its number.
    pub(crate) fn record_revision(
        &mut self,
        owner: &Owner,
        name: &str,
        template: &PodTemplateSpec,
        live: &[&str],
    ) -> i64 {
        let ns = owner.meta.namespace.clone();
        let uid = owner.meta.uid.clone();
        let existing: Vec<(String, i64)> = self
            .revisions_of(&uid, &ns)
            .iter()
            .map(|r| (r.metadata.name.clone(), r.revision))
            .collect();
        let max = existing.iter().map(|(_, r)| *r).max().unwrap_or(0);
        let number = match existing.iter().find(|(n, _)| n == name) {
            Some((_, r)) if *r == max => *r,
            Some(_) => {
                let key = Key::new(Kind::ControllerRevision, &ns, name);
                if let Some(Object::ControllerRevision(r)) = self.store.get(&key).cloned() {
                    let mut r = r;
                    r.revision = max + 1;
                    self.store.put(Object::ControllerRevision(r), self.now);
                }
                max + 1
            }
            None => {
                let mut meta = ObjectMeta::named(&ns, name);
                meta.labels = template.metadata.labels.clone();
                meta.owner_references = vec![OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: owner.kind.into(),
                    name: owner.meta.name.clone(),
                    uid: uid.clone(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }];
                let mut t = serde_json::to_value(template).unwrap_or_else(|_| json!({}));
                if let Some(m) = t.as_object_mut() {
                    m.insert("$patch".into(), json!("replace"));
                }
                let rev = ControllerRevision {
                    metadata: meta,
                    data: Some(json!({ "spec": { "template": t } })),
                    revision: max + 1,
                };
                let _ = self.create(Object::ControllerRevision(rev));
                max + 1
            }
        };
        // History beyond the limit goes, oldest first, except what is live.
        let limit = owner.revision_history_limit.max(0) as usize;
        let old: Vec<String> = self
            .revisions_of(&uid, &ns)
            .iter()
            .map(|r| r.metadata.name.clone())
            .filter(|n| n != name && !live.contains(&n.as_str()))
            .collect();
        if old.len() > limit {
            for n in &old[..old.len() - limit] {
                self.store
                    .remove(&Key::new(Kind::ControllerRevision, &ns, n), self.now);
            }
        }
        number
    }

    /// The template a revision holds, if it exists.
    pub(crate) fn revision_template(&self, ns: &str, name: &str) -> Option<PodTemplateSpec> {
        match self
            .store
            .get(&Key::new(Kind::ControllerRevision, ns, name))
        {
            Some(Object::ControllerRevision(r)) => r.template(),
            _ => None,
        }
    }
}
