//! describe for Deployments, ReplicaSets, DaemonSets, Jobs, CronJobs and
//! HorizontalPodAutoscalers.

use super::*;

pub(super) fn deployment(cluster: &Cluster, d: &kubeplay_api::Deployment, w: &mut Writer) {
    w.line(&format!("Name:\t{}", d.metadata.name));
    w.line(&format!("Namespace:\t{}", d.metadata.namespace));
    if let Some(t) = d.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    labels(w, "Labels", &d.metadata.labels);
    annotations(w, "Annotations", &d.metadata.annotations);
    w.line(&format!(
        "Selector:\t{}",
        d.spec.selector.to_selector_string()
    ));
    let st = &d.status;
    w.line(&format!(
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
        d.replicas(),
        st.updated_replicas,
        st.replicas,
        st.available_replicas,
        st.unavailable_replicas
    ));
    let strategy = if d.spec.strategy.type_.is_empty() {
        "RollingUpdate"
    } else {
        &d.spec.strategy.type_
    };
    w.line(&format!("StrategyType:\t{strategy}"));
    w.line(&format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds));
    if let Some(ru) = &d.spec.strategy.rolling_update {
        let s = |v: &Option<kubeplay_api::IntOrString>| {
            v.as_ref().map(|v| v.to_string()).unwrap_or_default()
        };
        w.line(&format!(
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
            s(&ru.max_unavailable),
            s(&ru.max_surge)
        ));
    }
    pod_template(w, &d.spec.template);
    if !st.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason");
        w.line("  ----\t------\t------");
        for c in &st.conditions {
            w.line(&format!("  {} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
    let rss: Vec<&kubeplay_api::ReplicaSet> = cluster
        .list(Kind::ReplicaSet, Some(&d.metadata.namespace), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ReplicaSet(rs)
                if rs
                    .metadata
                    .controller()
                    .is_some_and(|c| c.uid == d.metadata.uid) =>
            {
                Some(rs)
            }
            _ => None,
        })
        .collect();
    let hash_free = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata
            .labels
            .remove(kubeplay_api::apps::POD_TEMPLATE_HASH_LABEL);
        serde_json::to_value(&t).ok()
    };
    let want = hash_free(&d.spec.template);
    let mut new_rs = None;
    let mut old = Vec::new();
    for rs in &rss {
        if new_rs.is_none() && hash_free(&rs.spec.template) == want {
            new_rs = Some(*rs);
        } else if rs.replicas() != 0 {
            old.push(*rs);
        }
    }
    let fmt_rs = |rs: &kubeplay_api::ReplicaSet| {
        format!(
            "{} ({}/{} replicas created)",
            rs.metadata.name,
            rs.status.replicas,
            rs.replicas()
        )
    };
    let old_s: Vec<String> = old.iter().map(|rs| fmt_rs(rs)).collect();
    w.line(&format!(
        "OldReplicaSets:\t{}",
        if old_s.is_empty() {
            "<none>".into()
        } else {
            old_s.join(", ")
        }
    ));
    w.line(&format!(
        "NewReplicaSet:\t{}",
        new_rs.map(fmt_rs).unwrap_or_else(|| "<none>".into())
    ));
}

pub(super) fn replica_set(cluster: &Cluster, rs: &kubeplay_api::ReplicaSet, w: &mut Writer) {
    w.line(&format!("Name:\t{}", rs.metadata.name));
    w.line(&format!("Namespace:\t{}", rs.metadata.namespace));
    w.line(&format!(
        "Selector:\t{}",
        rs.spec.selector.to_selector_string()
    ));
    labels(w, "Labels", &rs.metadata.labels);
    annotations(w, "Annotations", &rs.metadata.annotations);
    controlled_by(w, &rs.metadata);
    w.line(&format!(
        "Replicas:\t{} current / {} desired",
        rs.status.replicas,
        rs.replicas()
    ));
    pods_status(cluster, &rs.metadata, w);
    pod_template(w, &rs.spec.template);
    if !rs.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason");
        w.line("  ----\t------\t------");
        for c in &rs.status.conditions {
            w.line(&format!("  {} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
}

/// `Pods Status:` of a ReplicaSet or DaemonSet: its pods by phase.
pub(super) fn pods_status(cluster: &Cluster, owner: &kubeplay_api::ObjectMeta, w: &mut Writer) {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for o in cluster.list(Kind::Pod, Some(&owner.namespace), None) {
        if let Object::Pod(p) = o {
            if p.metadata.controller().is_some_and(|c| c.uid == owner.uid) {
                match p.status.phase.as_str() {
                    "Running" => running += 1,
                    "Pending" => waiting += 1,
                    "Succeeded" => succeeded += 1,
                    "Failed" => failed += 1,
                    _ => {}
                }
            }
        }
    }
    w.line(&format!(
        "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"
    ));
}

/// Models kubectl's describeDaemonSet.
pub(super) fn daemon_set(cluster: &Cluster, ds: &kubeplay_api::DaemonSet, w: &mut Writer) {
    let st = &ds.status;
    w.line(&format!("Name:\t{}", ds.metadata.name));
    w.line(&format!("Namespace:\t{}", ds.metadata.namespace));
    w.line(&format!(
        "Selector:\t{}",
        ds.spec.selector.to_selector_string()
    ));
    let node_selector = &ds.spec.template.spec.node_selector;
    w.line(&format!(
        "Node-Selector:\t{}",
        if node_selector.is_empty() {
            "<none>".to_string()
        } else {
            node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        }
    ));
    labels(w, "Labels", &ds.metadata.labels);
    annotations(w, "Annotations", &ds.metadata.annotations);
    w.line(&format!(
        "Desired Number of Nodes Scheduled: {}",
        st.desired_number_scheduled
    ));
    w.line(&format!(
        "Current Number of Nodes Scheduled: {}",
        st.current_number_scheduled
    ));
    w.line(&format!(
        "Number of Nodes Scheduled with Up-to-date Pods: {}",
        st.updated_number_scheduled
    ));
    w.line(&format!(
        "Number of Nodes Scheduled with Available Pods: {}",
        st.number_available
    ));
    w.line(&format!(
        "Number of Nodes Misscheduled: {}",
        st.number_misscheduled
    ));
    pods_status(cluster, &ds.metadata, w);
    pod_template(w, &ds.spec.template);
}

/// Models kubectl's describeHorizontalPodAutoscalerV2.
pub(super) fn autoscaler(h: &kubeplay_api::HorizontalPodAutoscaler, w: &mut Writer) {
    w.line(&format!("Name:\t{}", h.metadata.name));
    w.line(&format!("Namespace:\t{}", h.metadata.namespace));
    labels(w, "Labels", &h.metadata.labels);
    annotations(w, "Annotations", &h.metadata.annotations);
    if let Some(t) = h.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    let r = &h.spec.scale_target_ref;
    w.line(&format!("Reference:\t{}/{}", r.kind, r.name));
    w.line("Metrics:\t( current / target )");
    for (i, m) in h.spec.metrics.iter().enumerate() {
        let Some(res) = &m.resource else { continue };
        let current = h
            .status
            .current_metrics
            .get(i)
            .and_then(|c| c.resource.as_ref())
            .map(|c| &c.current);
        let t = &res.target;
        match t.average_utilization {
            Some(want) if t.type_ == "Utilization" => {
                let cur = match current {
                    Some(c) => format!(
                        "{}% ({})",
                        c.average_utilization.unwrap_or(0),
                        c.average_value
                            .as_ref()
                            .map_or(String::new(), |v| v.to_string())
                    ),
                    None => "<unknown>".into(),
                };
                w.line(&format!(
                    "  resource {} on pods  (as a percentage of request):\t{cur} / {want}%",
                    res.name
                ));
            }
            _ => {
                let cur = current
                    .and_then(|c| c.average_value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string());
                let want = t
                    .average_value
                    .as_ref()
                    .or(t.value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string());
                w.line(&format!("  resource {} on pods:\t{cur} / {want}", res.name));
            }
        }
    }
    w.line(&format!("Min replicas:\t{}", h.min_replicas()));
    w.line(&format!("Max replicas:\t{}", h.spec.max_replicas));
    w.line(&format!(
        "{} pods:\t{} current / {} desired",
        r.kind, h.status.current_replicas, h.status.desired_replicas
    ));
    if !h.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason\tMessage");
        w.line("  ----\t------\t------\t-------");
        for c in &h.status.conditions {
            w.line(&format!(
                "  {}\t{}\t{}\t{}",
                c.type_, c.status, c.reason, c.message
            ));
        }
    }
}

/// Models kubernetes/staging/src/k8s.io/kubectl/pkg/describe describeJob.
pub(super) fn job(j: &kubeplay_api::Job, w: &mut Writer) {
    let (spec, st) = (&j.spec, &j.status);
    w.line(&format!("Name:\t{}", j.metadata.name));
    w.line(&format!("Namespace:\t{}", j.metadata.namespace));
    let selector = spec
        .selector
        .as_ref()
        .map(|s| s.to_selector_string())
        .unwrap_or_default();
    w.line(&format!("Selector:\t{selector}"));
    labels(w, "Labels", &j.metadata.labels);
    annotations(w, "Annotations", &j.metadata.annotations);
    controlled_by(w, &j.metadata);
    if let Some(p) = spec.parallelism {
        w.line(&format!("Parallelism:\t{p}"));
    }
    match spec.completions {
        Some(c) => w.line(&format!("Completions:\t{c}")),
        None => w.line("Completions:\t<unset>"),
    }
    if let Some(m) = &spec.completion_mode {
        w.line(&format!("Completion Mode:\t{m}"));
    }
    if let Some(s) = spec.suspend {
        w.line(&format!("Suspend:\t{s}"));
    }
    if let Some(b) = spec.backoff_limit {
        w.line(&format!("Backoff Limit:\t{b}"));
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.line(&format!("TTL Seconds After Finished:\t{ttl}"));
    }
    if let Some(t) = st.start_time {
        w.line(&format!("Start Time:\t{}", rfc1123z(t)));
    }
    if let Some(t) = st.completion_time {
        w.line(&format!("Completed At:\t{}", rfc1123z(t)));
    }
    if let (Some(start), Some(done)) = (st.start_time, st.completion_time) {
        w.line(&format!(
            "Duration:\t{}",
            human(done.millis() - start.millis())
        ));
    }
    if let Some(d) = spec.active_deadline_seconds {
        w.line(&format!("Active Deadline Seconds:\t{d}s"));
    }
    let active = match st.ready {
        Some(ready) => format!("{} Active ({ready} Ready)", st.active),
        None => format!("{} Active", st.active),
    };
    w.line(&format!(
        "Pods Statuses:\t{active} / {} Succeeded / {} Failed",
        st.succeeded, st.failed
    ));
    if spec.indexed() {
        w.line(&format!(
            "Completed Indexes:\t{}",
            cap_indexes(&st.completed_indexes, 50)
        ));
    }
    pod_template(w, &spec.template);
}

/// `capIndexesListOrNone`: the interval list, cut at the first comma at or after `soft_limit`.
pub(super) fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes.get(soft_limit..).and_then(|rest| rest.find(',')) {
        Some(i) => format!("{}...", &indexes[..soft_limit + i + 1]),
        None => indexes.to_string(),
    }
}

/// Models kubernetes/staging/src/k8s.io/kubectl/pkg/describe describeCronJob (and
/// describeJobTemplate, printActiveJobs).
pub(super) fn cron_job(cj: &kubeplay_api::CronJob, w: &mut Writer) {
    let spec = &cj.spec;
    let or_unset = |v: Option<i64>, unit: &str| match v {
        Some(v) => format!("{v}{unit}"),
        None => "<unset>".into(),
    };
    w.line(&format!("Name:\t{}", cj.metadata.name));
    w.line(&format!("Namespace:\t{}", cj.metadata.namespace));
    labels(w, "Labels", &cj.metadata.labels);
    annotations(w, "Annotations", &cj.metadata.annotations);
    w.line(&format!("Schedule:\t{}", spec.schedule));
    w.line(&format!("Concurrency Policy:\t{}", spec.concurrency_policy));
    let suspend = match spec.suspend {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(&format!("Suspend:\t{suspend}"));
    w.line(&format!(
        "Successful Job History Limit:\t{}",
        or_unset(spec.successful_jobs_history_limit.map(i64::from), "")
    ));
    w.line(&format!(
        "Failed Job History Limit:\t{}",
        or_unset(spec.failed_jobs_history_limit.map(i64::from), "")
    ));
    w.line(&format!(
        "Starting Deadline Seconds:\t{}",
        or_unset(spec.starting_deadline_seconds, "s")
    ));
    let template = &spec.job_template.spec;
    w.line(&format!(
        "Selector:\t{}",
        template
            .selector
            .as_ref()
            .map(|s| s.to_selector_string())
            .unwrap_or_else(|| "<unset>".into())
    ));
    w.line(&format!(
        "Parallelism:\t{}",
        or_unset(template.parallelism.map(i64::from), "")
    ));
    w.line(&format!(
        "Completions:\t{}",
        or_unset(template.completions.map(i64::from), "")
    ));
    if let Some(d) = template.active_deadline_seconds {
        w.line(&format!("Active Deadline Seconds:\t{d}s"));
    }
    pod_template(w, &template.template);
    w.line(&format!(
        "Last Schedule Time:\t{}",
        cj.status
            .last_schedule_time
            .map(rfc1123z)
            .unwrap_or_else(|| "<unset>".into())
    ));
    let active: Vec<&str> = cj.status.active.iter().map(|r| r.name.as_str()).collect();
    w.line(&format!(
        "Active Jobs:\t{}",
        if active.is_empty() {
            "<none>".to_string()
        } else {
            active.join(", ")
        }
    ));
}
