//! The admission plugins that read a namespace's policies: LimitRanger (defaults and bounds
//! from LimitRanges) then ResourceQuota, in the API server's order, so the defaults a
//! LimitRange gives count toward the quota. Both do nothing in a namespace without such objects.

pub mod limit_ranger;
pub mod resource_quota;

use kubeplay_api::validation::validate;
use kubeplay_api::{ApiError, Kind, Object};

use crate::Cluster;

/// Go's `utilerrors.NewAggregate(...).Error()`: one message as it is, several (without
/// repeats) in brackets.
fn aggregate(errs: Vec<String>) -> String {
    let mut seen = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    }
}

impl Cluster {
    /// LimitRanger and ResourceQuota on a create. A refusal is the API server's 403:
    /// `pods "x" is forbidden: ...`.
    pub(crate) fn admit_policies(&self, obj: &mut Object) -> Result<(), ApiError> {
        let ns = obj.namespace().to_string();
        if !obj.kind().namespaced() {
            return Ok(());
        }
        // Upstream admits before it generates a name, so a refusal names the object by its
        // generateName (`pods "web-7d4b9c-" is forbidden`) and the ReplicaSet controller's
        // repeated FailedCreate events merge into one.
        let forbidden = |obj: &Object, msg: String| {
            let meta = obj.meta();
            let name = if meta.generate_name.is_empty() {
                &meta.name
            } else {
                &meta.generate_name
            };
            ApiError::forbidden(format!(
                "{} {name:?} is forbidden: {msg}",
                obj.kind().qualified_plural(),
            ))
        };
        if let Object::Ingress(ing) = obj {
            self.admit_ingress_class(ing);
        }
        if let Object::Pod(p) = obj {
            let ranges: Vec<&kubeplay_api::quota::LimitRange> = self
                .store
                .list(Kind::LimitRange, Some(&ns))
                .filter_map(|o| match o {
                    Object::LimitRange(l) => Some(l),
                    _ => None,
                })
                .collect();
            if !ranges.is_empty() {
                let mut changed = false;
                for r in &ranges {
                    changed |= limit_ranger::apply_defaults(p, r);
                }
                let errs: Vec<String> = ranges
                    .iter()
                    .flat_map(|r| limit_ranger::violations(p, r))
                    .collect();
                if !errs.is_empty() {
                    return Err(forbidden(obj, aggregate(errs)));
                }
                // The API server validates after mutating admission: a default limit below
                // the container's own request is refused here.
                if changed {
                    validate(obj)?;
                }
            }
        }
        let quotas: Vec<&kubeplay_api::quota::ResourceQuota> = self
            .store
            .list(Kind::ResourceQuota, Some(&ns))
            .filter_map(|o| match o {
                Object::ResourceQuota(q) => Some(q),
                _ => None,
            })
            .collect();
        if quotas.is_empty() {
            return Ok(());
        }
        let uses: Vec<resource_quota::QuotaUse<'_>> = quotas
            .into_iter()
            .map(|q| resource_quota::QuotaUse {
                quota: q,
                used: self.quota_used(q),
            })
            .collect();
        resource_quota::check(obj, &uses).map_err(|msg| forbidden(obj, msg))
    }

    /// What the namespace's objects use of a quota now (the admission plugin adds to the
    /// quota's recorded usage; the playground's is always current).
    pub(crate) fn quota_used(
        &self,
        q: &kubeplay_api::quota::ResourceQuota,
    ) -> kubeplay_api::core::ResourceList {
        let ns = &q.metadata.namespace;
        let kinds = resource_quota::counted_kinds(q);
        let objects = kinds.into_iter().flat_map(|k| self.store.list(k, Some(ns)));
        resource_quota::used(q, objects)
    }
}
