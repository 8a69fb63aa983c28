//! describe for pods: containers and their states, as kubectl's describePod writes them.

use super::*;

pub(super) fn pod(cluster: &Cluster, p: &kubeplay_api::Pod, w: &mut Writer) {
    let now = cluster.now();
    w.line(&format!("Name:\t{}", p.metadata.name));
    w.line(&format!("Namespace:\t{}", p.metadata.namespace));
    w.line(&format!("Priority:\t{}", p.spec.priority.unwrap_or(0)));
    if !p.spec.priority_class_name.is_empty() {
        w.line(&format!(
            "Priority Class Name:\t{}",
            p.spec.priority_class_name
        ));
    }
    let sa = p
        .spec
        .extra
        .get("serviceAccountName")
        .and_then(|v| v.as_str())
        .unwrap_or("default");
    w.line(&format!("Service Account:\t{sa}"));
    if p.spec.node_name.is_empty() {
        w.line("Node:\t<none>");
    } else {
        w.line(&format!("Node:\t{}/{}", p.spec.node_name, p.status.host_ip));
    }
    if let Some(t) = p.status.start_time {
        w.line(&format!("Start Time:\t{}", rfc1123z(t)));
    }
    labels(w, "Labels", &p.metadata.labels);
    annotations(w, "Annotations", &p.metadata.annotations);
    if let Some(dt) = p.metadata.deletion_timestamp {
        let lasts = human(dt.millis() - now.millis());
        w.line(&format!("Status:\tTerminating (lasts {lasts})"));
        w.line(&format!(
            "Termination Grace Period:\t{}s",
            p.metadata.deletion_grace_period_seconds.unwrap_or(30)
        ));
    } else {
        w.line(&format!("Status:\t{}", p.status.phase));
    }
    if !p.status.reason.is_empty() {
        w.line(&format!("Reason:\t{}", p.status.reason));
    }
    if !p.status.message.is_empty() {
        w.line(&format!("Message:\t{}", p.status.message));
    }
    w.line(&format!("IP:\t{}", p.status.pod_ip));
    if p.status.pod_ip.is_empty() {
        w.line("IPs:\t<none>");
    } else {
        w.line("IPs:");
        w.line(&format!("  IP:\t{}", p.status.pod_ip));
    }
    controlled_by(w, &p.metadata);
    if !p.spec.init_containers.is_empty() {
        w.line("Init Containers:");
        for c in &p.spec.init_containers {
            let st = p
                .status
                .init_container_statuses
                .iter()
                .find(|s| s.name == c.name);
            container(w, c, st);
        }
    }
    w.line("Containers:");
    for c in &p.spec.containers {
        let st = p
            .status
            .container_statuses
            .iter()
            .find(|s| s.name == c.name);
        container(w, c, st);
    }
    if !p.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus");
        for c in &p.status.conditions {
            w.line(&format!("  {} \t{} ", c.type_, c.status));
        }
    }
    volumes(w, "", &p.spec.volumes);
    w.line(&format!("QoS Class:\t{}", p.status.qos_class));
    node_selector(w, "", &p.spec.node_selector);
    tolerations(w, "Tolerations", "", &p.spec.tolerations);
}

pub(super) fn state_lines(w: &mut Writer, title: &str, st: &kubeplay_api::core::ContainerState) {
    if let Some(r) = &st.running {
        w.line(&format!("    {title}:\tRunning"));
        if let Some(t) = r.started_at {
            w.line(&format!("      Started:\t{}", rfc1123z(t)));
        }
    } else if let Some(wt) = &st.waiting {
        w.line(&format!("    {title}:\tWaiting"));
        if !wt.reason.is_empty() {
            w.line(&format!("      Reason:\t{}", wt.reason));
        }
        if !wt.message.is_empty() {
            w.line(&format!("      Message:\t{}", wt.message));
        }
    } else if let Some(t) = &st.terminated {
        w.line(&format!("    {title}:\tTerminated"));
        if !t.reason.is_empty() {
            w.line(&format!("      Reason:\t{}", t.reason));
        }
        if !t.message.is_empty() {
            w.line(&format!("      Message:\t{}", t.message));
        }
        w.line(&format!("      Exit Code:\t{}", t.exit_code));
        if let Some(s) = t.started_at {
            w.line(&format!("      Started:\t{}", rfc1123z(s)));
        }
        if let Some(f) = t.finished_at {
            w.line(&format!("      Finished:\t{}", rfc1123z(f)));
        }
    } else {
        w.line(&format!("    {title}:\tWaiting"));
    }
}

/// `describeContainerCommand`: each word of the command and args on its own line (and each
/// line of a word that has several).
pub(super) fn command_and_args(w: &mut Writer, c: &Container) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        let Some(words) = c.extra.get(field).and_then(|v| v.as_array()) else {
            continue;
        };
        if words.is_empty() {
            continue;
        }
        w.line(&format!("    {title}:"));
        for word in words {
            for l in word.as_str().unwrap_or("").split('\n') {
                w.line(&format!("      {l}"));
            }
        }
    }
}

pub(super) fn container(
    w: &mut Writer,
    c: &Container,
    st: Option<&kubeplay_api::core::ContainerStatus>,
) {
    w.line(&format!("  {}:", c.name));
    if let Some(st) = st {
        if !st.container_id.is_empty() {
            w.line(&format!("    Container ID:\t{}", st.container_id));
        }
    }
    w.line(&format!("    Image:\t{}", c.image));
    if let Some(st) = st {
        w.line(&format!("    Image ID:\t{}", st.image_id));
    }
    let (ports, host) = ports_of(c);
    w.line(&format!("    Port:\t{ports}"));
    w.line(&format!("    Host Port:\t{host}"));
    command_and_args(w, c);
    // A container the kubelet has not reported yet (the pod is not scheduled) has no State,
    // Ready or Restart Count lines, as in kubectl.
    if let Some(st) = st {
        state_lines(w, "State", &st.state);
        if !st.last_state.is_empty() {
            state_lines(w, "Last State", &st.last_state);
        }
        w.line(&format!(
            "    Ready:\t{}",
            if st.ready { "True" } else { "False" }
        ));
        w.line(&format!("    Restart Count:\t{}", st.restart_count));
    }
    resources(w, "    ", c);
    probe(w, "    ", "Liveness", &c.liveness_probe, c);
    probe(w, "    ", "Readiness", &c.readiness_probe, c);
    probe(w, "    ", "Startup", &c.startup_probe, c);
    env(w, "    ", c);
    mounts(w, "    ", c);
}
