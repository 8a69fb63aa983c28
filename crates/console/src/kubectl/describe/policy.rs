//! describe for ResourceQuotas and LimitRanges, and their sections in describe namespace.

use super::*;

/// The help line kubectl prints under a quota's scope.
pub(super) fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => return None,
    })
}

pub(super) fn sorted_scopes(q: &kubeplay_api::quota::ResourceQuota) -> Vec<&str> {
    let mut scopes: Vec<&str> = q.spec.scopes.iter().map(String::as_str).collect();
    scopes.sort_unstable();
    scopes
}

/// `kubectl describe quota` (kubectl's describeQuota): the used amount is shown in the hard
/// amount's format when they differ.
pub(super) fn resource_quota(q: &kubeplay_api::quota::ResourceQuota, w: &mut Writer) {
    w.line(&format!("Name:\t{}", q.metadata.name));
    w.line(&format!("Namespace:\t{}", q.metadata.namespace));
    let scopes = sorted_scopes(q);
    if !scopes.is_empty() {
        w.line(&format!("Scopes:\t{}", scopes.join(", ")));
        for help in scopes.iter().filter_map(|s| scope_help(s)) {
            w.line(&format!(" * {help}"));
        }
    }
    w.line("Resource\tUsed\tHard");
    w.line("--------\t----\t----");
    for (k, hard) in &q.status.hard {
        let used = q.status.used.get(k).copied().unwrap_or_else(Quantity::zero);
        let used = if used.format() == hard.format() {
            used
        } else if hard.format() == kubeplay_api::quantity::Format::BinarySI {
            Quantity::from_bytes_binary(used.value())
        } else {
            Quantity::from_units(used.value())
        };
        w.line(&format!("{k}\t{used}\t{hard}"));
    }
}

/// A LimitRange's rows (kubectl's describeLimitRangeSpec): one per item and resource, `-` where
/// the item sets nothing; resources in name order.
pub(super) fn limit_range_rows(l: &kubeplay_api::quota::LimitRange, prefix: &str, w: &mut Writer) {
    for item in &l.spec.limits {
        let mut names: Vec<&String> = item
            .max
            .keys()
            .chain(item.min.keys())
            .chain(item.default.keys())
            .chain(item.default_request.keys())
            .chain(item.max_limit_request_ratio.keys())
            .collect();
        names.sort();
        names.dedup();
        let cell = |list: &kubeplay_api::core::ResourceList, k: &String| {
            list.get(k).map_or("-".to_string(), |q| q.to_string())
        };
        for k in names {
            w.line(&format!(
                "{prefix}{}\t{k}\t{}\t{}\t{}\t{}\t{}",
                item.type_,
                cell(&item.min, k),
                cell(&item.max, k),
                cell(&item.default_request, k),
                cell(&item.default, k),
                cell(&item.max_limit_request_ratio, k),
            ));
        }
    }
}

/// `describe namespace`'s quota section (kubectl's DescribeResourceQuotas).
pub(super) fn namespace_quotas(cluster: &Cluster, ns: &str, w: &mut Writer) {
    let quotas: Vec<&kubeplay_api::quota::ResourceQuota> = cluster
        .list(Kind::ResourceQuota, Some(ns), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ResourceQuota(q) => Some(q),
            _ => None,
        })
        .collect();
    if quotas.is_empty() {
        w.line("No resource quota.");
        return;
    }
    w.line("Resource Quotas");
    for q in quotas {
        w.line(&format!("  Name:\t{}", q.metadata.name));
        let scopes = sorted_scopes(q);
        if !scopes.is_empty() {
            w.line(&format!("  Scopes:\t{}", scopes.join(", ")));
            for help in scopes.iter().filter_map(|s| scope_help(s)) {
                w.line(&format!("  * {help}"));
            }
        }
        w.line("  Resource\tUsed\tHard");
        w.line("  --------\t---\t---");
        for (k, hard) in &q.status.hard {
            let used = q.status.used.get(k).copied().unwrap_or_else(Quantity::zero);
            w.line(&format!("  {k}\t{used}\t{hard}"));
        }
    }
}

/// `describe namespace`'s limits section (kubectl's DescribeLimitRanges).
pub(super) fn namespace_limits(cluster: &Cluster, ns: &str, w: &mut Writer) {
    let ranges: Vec<&kubeplay_api::quota::LimitRange> = cluster
        .list(Kind::LimitRange, Some(ns), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::LimitRange(l) => Some(l),
            _ => None,
        })
        .collect();
    if ranges.is_empty() {
        w.line("No LimitRange resource.");
        return;
    }
    w.line("Resource Limits");
    w.line(" Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio");
    w.line(" ----\t--------\t---\t---\t---------------\t-------------\t-----------------------");
    for l in ranges {
        limit_range_rows(l, " ", w);
    }
}
