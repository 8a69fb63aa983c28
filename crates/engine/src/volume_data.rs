//! What containers write (with `kubectl exec`), kept where a real node would keep it, so that it
//! lasts exactly as long: a file on a PersistentVolume outlives the pod and comes back in the
//! next pod that mounts the claim (a StatefulSet's `web-0` after it is re-created); one on an
//! `emptyDir` lasts as long as the pod (it survives container restarts); one on a `hostPath`
//! belongs to the node's path; anything else is in the container's own writable layer and is
//! gone when the container restarts.

use std::collections::BTreeMap;

use kubeplay_api::core::{Container, Pod};
use kubeplay_api::{Kind, Object};

use crate::store::Key;
use crate::Cluster;

/// Files by storage id (`pv/<volume>`, `host/<node>/<path>`, `pod/<uid>/<volume>`,
/// `ctr/<uid>/<container>/<restarts>`), then by path inside that storage.
#[derive(Debug, Default)]
pub(crate) struct VolumeData {
    files: BTreeMap<String, BTreeMap<String, String>>,
}

/// Bounds on what exec may store: a runaway loop must not eat the page's memory.
const MAX_FILE_BYTES: usize = 1 << 20;
const MAX_FILES_PER_STORAGE: usize = 1_000;

/// One place a container can write: where it is mounted, whether read-only, its storage id.
struct Writable {
    mount_path: String,
    read_only: bool,
    id: String,
}

fn under(path: &str, mount: &str) -> Option<String> {
    let mount = mount.trim_end_matches('/');
    if mount.is_empty() {
        return Some(path.trim_start_matches('/').to_string());
    }
    let rest = path.strip_prefix(mount)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('/').map(str::to_string)
}

impl Cluster {
    fn pod_and_container(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
    ) -> Option<(&Pod, &Container)> {
        match self.store.get(&Key::new(Kind::Pod, ns, pod)) {
            Some(Object::Pod(p)) => {
                let c = p.spec.containers.iter().find(|c| c.name == container)?;
                Some((p, c))
            }
            _ => None,
        }
    }

    /// The container's writable mounts, longest mount path first, so the innermost wins.
    fn writable_mounts(&self, pod: &Pod, c: &Container) -> Vec<Writable> {
        let mut out = Vec::new();
        for m in &c.volume_mounts {
            let Some(v) = pod.spec.volumes.iter().find(|v| v.name == m.name) else {
                continue;
            };
            let read_only = m
                .extra
                .get("readOnly")
                .and_then(|r| r.as_bool())
                .unwrap_or(false);
            let id = if let Some(claim) = &v.persistent_volume_claim {
                match self.store.get(&Key::new(
                    Kind::PersistentVolumeClaim,
                    &pod.metadata.namespace,
                    &claim.claim_name,
                )) {
                    Some(Object::PersistentVolumeClaim(pvc))
                        if !pvc.spec.volume_name.is_empty() =>
                    {
                        format!("pv/{}", pvc.spec.volume_name)
                    }
                    _ => continue,
                }
            } else if let Some(h) = &v.host_path {
                format!(
                    "host/{}/{}",
                    pod.spec.node_name,
                    h.path.trim_end_matches('/')
                )
            } else if v.empty_dir.is_some() {
                format!("pod/{}/{}", pod.metadata.uid, v.name)
            } else {
                continue;
            };
            out.push(Writable {
                mount_path: m.mount_path.clone(),
                read_only: read_only
                    || v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.read_only),
                id,
            });
        }
        out.sort_by_key(|m| std::cmp::Reverse(m.mount_path.len()));
        out
    }

    fn container_layer(&self, pod: &Pod, container: &str) -> String {
        let restarts = self
            .pod_runtime(&pod.metadata.namespace, &pod.metadata.name)
            .and_then(|rt| {
                rt.containers
                    .iter()
                    .find(|c| c.name == container)
                    .map(|c| c.restarts)
            })
            .unwrap_or(0);
        format!("ctr/{}/{container}/{restarts}", pod.metadata.uid)
    }

    /// Every file a container has written and can see now, by absolute path: its writable
    /// layer's, then its volumes' at their mount paths.
    pub fn container_files(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some((p, c)) = self.pod_and_container(ns, pod, container) else {
            return out;
        };
        let layer = self.container_layer(p, container);
        let mounts = self.writable_mounts(p, c);
        if let Some(files) = self.volume_data.files.get(&layer) {
            for (path, content) in files {
                // A mount hides what the layer has below it.
                if !mounts.iter().any(|m| under(path, &m.mount_path).is_some()) {
                    out.insert(path.clone(), content.clone());
                }
            }
        }
        for m in mounts.iter().rev() {
            if let Some(files) = self.volume_data.files.get(&m.id) {
                for (rel, content) in files {
                    let base = m.mount_path.trim_end_matches('/');
                    out.insert(format!("{base}/{rel}"), content.clone());
                }
            }
        }
        out
    }

    /// Writes (or appends to) a file as the container would: on the volume mounted there, or in
    /// its writable layer. The error is what the shell prints after the path.
    pub fn write_container_file(
        &mut self,
        ns: &str,
        pod: &str,
        container: &str,
        path: &str,
        contents: &str,
        append: bool,
    ) -> Result<(), String> {
        let Some((p, c)) = self.pod_and_container(ns, pod, container) else {
            return Err("No such file or directory".into());
        };
        let (id, rel) = match self
            .writable_mounts(p, c)
            .into_iter()
            .find_map(|m| under(path, &m.mount_path).map(|rel| (m, rel)))
        {
            Some((m, _)) if m.read_only => return Err("Read-only file system".into()),
            Some((_, rel)) if rel.is_empty() => return Err("Is a directory".into()),
            Some((m, rel)) => (m.id, rel),
            None => (self.container_layer(p, container), path.to_string()),
        };
        let files = self.volume_data.files.entry(id).or_default();
        if !files.contains_key(&rel) && files.len() >= MAX_FILES_PER_STORAGE {
            return Err("No space left on device".into());
        }
        let f = files.entry(rel).or_default();
        if !append {
            f.clear();
        }
        if f.len() + contents.len() > MAX_FILE_BYTES {
            return Err("File too large".into());
        }
        f.push_str(contents);
        Ok(())
    }

    /// Removes a file the container wrote; false if there was none.
    pub fn remove_container_file(
        &mut self,
        ns: &str,
        pod: &str,
        container: &str,
        path: &str,
    ) -> bool {
        let Some((p, c)) = self.pod_and_container(ns, pod, container) else {
            return false;
        };
        let (id, rel) = match self
            .writable_mounts(p, c)
            .into_iter()
            .find_map(|m| under(path, &m.mount_path).map(|rel| (m, rel)))
        {
            Some((m, _)) if m.read_only => return false,
            Some((m, rel)) => (m.id, rel),
            None => (self.container_layer(p, container), path.to_string()),
        };
        self.volume_data
            .files
            .get_mut(&id)
            .is_some_and(|f| f.remove(&rel).is_some())
    }

    pub(crate) fn volume_data_forget(&mut self, id: &str) {
        self.volume_data.files.remove(id);
    }

    /// A deleted pod's emptyDirs and container layers go with it.
    pub(crate) fn volume_data_pod_gone(&mut self, pod: &Pod) {
        if self.volume_data.files.is_empty() {
            return;
        }
        let uid = &pod.metadata.uid;
        let (p, c) = (format!("pod/{uid}/"), format!("ctr/{uid}/"));
        self.volume_data
            .files
            .retain(|k, _| !k.starts_with(&p) && !k.starts_with(&c));
    }
}
