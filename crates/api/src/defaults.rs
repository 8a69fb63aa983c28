//! Defaulting as the API server and its admission plugins do it on create.

use serde_json::{json, Value};

use crate::apps::{
    DaemonSet, Deployment, DeploymentStrategy, ReplicaSet, RetentionPolicy, RollingUpdateDaemonSet,
    RollingUpdateDeployment, RollingUpdateStatefulSet, StatefulSet,
};
use crate::batch::{CronJob, Job};
use crate::core::{Container, Pod, PodSpec, Secret, Service, Toleration};
use crate::meta::{Extra, IntOrString};
use crate::object::Object;
use crate::storage::PersistentVolumeClaim;

/// The seconds the DefaultTolerationSeconds admission plugin gives pods to survive a NotReady or
/// unreachable node.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Pod(p) => default_pod(p),
        Object::Deployment(d) => default_deployment(d),
        Object::ReplicaSet(rs) => default_replica_set(rs),
        Object::Job(j) => default_job(j),
        Object::DaemonSet(ds) => default_daemon_set(ds),
        Object::NetworkPolicy(np) => {
            // `SetDefaults_NetworkPolicy`: Ingress always, Egress when egress rules exist;
            // ports default to TCP.
            let s = &mut np.spec;
            if s.policy_types.is_empty() {
                s.policy_types.push("Ingress".into());
                if !s.egress.is_empty() {
                    s.policy_types.push("Egress".into());
                }
            }
            let ports = s
                .ingress
                .iter_mut()
                .flat_map(|r| r.ports.iter_mut())
                .chain(s.egress.iter_mut().flat_map(|r| r.ports.iter_mut()));
            for p in ports {
                p.protocol.get_or_insert_with(|| "TCP".into());
            }
        }
        Object::PriorityClass(pc) => {
            pc.preemption_policy
                .get_or_insert_with(|| "PreemptLowerPriority".into());
        }
        Object::CronJob(cj) => default_cron_job(cj),
        Object::LimitRange(l) => default_limit_range(l),
        Object::RoleBinding(b) => crate::rbac::default_binding(&mut b.subjects, &mut b.role_ref),
        Object::ClusterRoleBinding(b) => {
            crate::rbac::default_binding(&mut b.subjects, &mut b.role_ref)
        }
        Object::Service(s) => default_service(s),
        Object::Secret(s) => default_secret(s),
        Object::PersistentVolume(pv) => {
            let s = &mut pv.spec;
            if s.persistent_volume_reclaim_policy.is_empty() {
                s.persistent_volume_reclaim_policy = "Retain".into();
            }
            s.volume_mode.get_or_insert_with(|| "Filesystem".into());
            if let Some(Value::Object(hp)) = s.extra.get_mut("hostPath") {
                hp.entry("type").or_insert(json!(""));
            }
            if pv.status.phase.is_empty() {
                pv.status.phase = "Pending".into();
            }
        }
        Object::PersistentVolumeClaim(pvc) => default_claim(pvc),
        Object::StorageClass(sc) => {
            sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
            sc.volume_binding_mode
                .get_or_insert_with(|| "Immediate".into());
        }
        Object::StatefulSet(sts) => default_stateful_set(sts),
        Object::HorizontalPodAutoscaler(h) => {
            // `SetDefaults_HorizontalPodAutoscaler` (v2): one replica at least, and 80% CPU
            // when no metric is given.
            h.spec.min_replicas.get_or_insert(1);
            if h.spec.metrics.is_empty() {
                h.spec.metrics.push(crate::autoscaling::MetricSpec {
                    type_: "Resource".into(),
                    resource: Some(crate::autoscaling::ResourceMetricSource {
                        name: "cpu".into(),
                        target: crate::autoscaling::MetricTarget {
                            type_: "Utilization".into(),
                            average_utilization: Some(80),
                            ..Default::default()
                        },
                    }),
                    ..Default::default()
                });
            }
        }
        Object::Namespace(ns) => {
            let name = ns.metadata.name.clone();
            ns.metadata
                .labels
                .entry("kubernetes.io/metadata.name".into())
                .or_insert(name);
            if ns.spec.finalizers.is_empty() {
                ns.spec.finalizers.push("kubernetes".into());
            }
            if ns.status.phase.is_empty() {
                ns.status.phase = "Active".into();
            }
        }
        _ => {}
    }
}

fn set_default(extra: &mut Extra, key: &str, v: Value) {
    extra.entry(key.to_string()).or_insert(v);
}

/// `SetDefaults_PodSpec` and `SetDefaults_Container`.
pub fn default_pod_spec(spec: &mut PodSpec) {
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".into();
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    if spec.scheduler_name.is_empty() {
        spec.scheduler_name = "default-scheduler".into();
    }
    set_default(&mut spec.extra, "dnsPolicy", json!("ClusterFirst"));
    for v in &mut spec.volumes {
        if let Some(hp) = &mut v.host_path {
            hp.type_.get_or_insert_with(String::new);
        }
    }
    set_default(&mut spec.extra, "securityContext", json!({}));
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        default_container(c);
    }
}

fn default_container(c: &mut Container) {
    if c.image_pull_policy.is_empty() {
        let tag = image_tag(&c.image);
        c.image_pull_policy = if tag.is_none() || tag == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        }
        .into();
    }
    set_default(
        &mut c.extra,
        "terminationMessagePath",
        json!("/dev/termination-log"),
    );
    set_default(&mut c.extra, "terminationMessagePolicy", json!("File"));
    for p in &mut c.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
    }
    // Requests default from limits for each resource that has a limit but no request.
    let limits = c.resources.limits.clone();
    for (k, v) in limits {
        c.resources.requests.entry(k).or_insert(v);
    }
    for probe in [
        &mut c.readiness_probe,
        &mut c.liveness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        probe.timeout_seconds.get_or_insert(1);
        probe.period_seconds.get_or_insert(10);
        probe.success_threshold.get_or_insert(1);
        probe.failure_threshold.get_or_insert(3);
    }
}

/// The tag of an image reference (`nginx:1.10` → `1.10`), `None` when untagged.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, t)| t)
}

fn default_pod(p: &mut Pod) {
    default_pod_spec(&mut p.spec);
    set_default(&mut p.spec.extra, "enableServiceLinks", json!(true));
    set_default(
        &mut p.spec.extra,
        "preemptionPolicy",
        json!("PreemptLowerPriority"),
    );
    // The deprecated `serviceAccount` and `serviceAccountName` mirror each other, as the API
    // server's conversion makes them; `default` when neither is given.
    let sa = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| p.spec.extra.get(*k).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    set_default(&mut p.spec.extra, "serviceAccountName", json!(sa));
    set_default(&mut p.spec.extra, "serviceAccount", json!(sa));
    p.spec.priority.get_or_insert(0);
    // DefaultTolerationSeconds admission: tolerate NotReady/unreachable nodes for 300 s, unless
    // the pod already tolerates the NoExecute taint (an empty key or effect is a wildcard).
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let has = p.spec.tolerations.iter().any(|t| {
            (t.key == key || t.key.is_empty()) && (t.effect.is_empty() || t.effect == "NoExecute")
        });
        if !has {
            p.spec.tolerations.push(Toleration {
                key: key.into(),
                operator: "Exists".into(),
                effect: "NoExecute".into(),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
                ..Default::default()
            });
        }
    }
    if p.status.phase.is_empty() {
        p.status.phase = "Pending".into();
    }
    if p.status.qos_class.is_empty() {
        p.status.qos_class = qos_class(&p.spec).into();
    }
}

/// `v1qos.GetPodQOS`: Guaranteed, Burstable or BestEffort.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let containers: Vec<&Container> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter())
        .collect();
    let any = containers
        .iter()
        .any(|c| !c.resources.requests.is_empty() || !c.resources.limits.is_empty());
    if !any {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            matches!((c.resources.limits.get(*r), c.resources.requests.get(*r)), (Some(l), Some(q)) if l == q)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `SetDefaults_Deployment` (apps/v1).
pub fn default_deployment(d: &mut Deployment) {
    d.spec.replicas.get_or_insert(1);
    let s: &mut DeploymentStrategy = &mut d.spec.strategy;
    if s.type_.is_empty() {
        s.type_ = "RollingUpdate".into();
    }
    if s.type_ == "RollingUpdate" {
        let ru = s
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable
            .get_or_insert(IntOrString::String("25%".into()));
        ru.max_surge
            .get_or_insert(IntOrString::String("25%".into()));
    }
    d.spec.revision_history_limit.get_or_insert(10);
    d.spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut d.spec.template.spec);
}

/// `SetDefaults_Job` (batch/v1): one pod at a time and one completion when neither is set, six
/// retries, NonIndexed, not suspended, replace pods once they are terminating or failed.
pub fn default_job(j: &mut Job) {
    let s = &mut j.spec;
    if s.completions.is_none() && s.parallelism.is_none() {
        s.completions = Some(1);
        s.parallelism = Some(1);
    }
    s.parallelism.get_or_insert(1);
    s.backoff_limit.get_or_insert(6);
    s.completion_mode.get_or_insert_with(|| "NonIndexed".into());
    s.suspend.get_or_insert(false);
    let replacement = if s.pod_failure_policy.is_some() {
        "Failed"
    } else {
        "TerminatingOrFailed"
    };
    s.pod_replacement_policy
        .get_or_insert_with(|| replacement.into());
    default_pod_spec(&mut s.template.spec);
}

/// `SetDefaults_CronJob` (batch/v1). The Job template's own fields are not defaulted: the Job
/// the controller creates from it is.
pub fn default_cron_job(cj: &mut CronJob) {
    let s = &mut cj.spec;
    if s.concurrency_policy.is_empty() {
        s.concurrency_policy = "Allow".into();
    }
    s.suspend.get_or_insert(false);
    s.successful_jobs_history_limit.get_or_insert(3);
    s.failed_jobs_history_limit.get_or_insert(1);
    default_pod_spec(&mut s.job_template.spec.template.spec);
}

/// `SetDefaults_PersistentVolumeClaim`: a filesystem volume, and a new claim is Pending.
pub fn default_claim(pvc: &mut PersistentVolumeClaim) {
    pvc.spec
        .volume_mode
        .get_or_insert_with(|| "Filesystem".into());
    if pvc.status.phase.is_empty() {
        pvc.status.phase = "Pending".into();
    }
}

/// `SetDefaults_StatefulSet` (apps/v1): ordered pods, a rolling update from the top ordinal with
/// no partition, claims kept when the set is deleted or scaled down.
pub fn default_stateful_set(sts: &mut StatefulSet) {
    let s = &mut sts.spec;
    s.replicas.get_or_insert(1);
    if s.pod_management_policy.is_empty() {
        s.pod_management_policy = "OrderedReady".into();
    }
    let u = &mut s.update_strategy;
    if u.type_.is_empty() {
        u.type_ = "RollingUpdate".into();
    }
    if u.type_ == "RollingUpdate" {
        u.rolling_update
            .get_or_insert_with(RollingUpdateStatefulSet::default)
            .partition
            .get_or_insert(0);
    }
    s.revision_history_limit.get_or_insert(10);
    let r = s
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(RetentionPolicy::default);
    if r.when_deleted.is_empty() {
        r.when_deleted = "Retain".into();
    }
    if r.when_scaled.is_empty() {
        r.when_scaled = "Retain".into();
    }
    for t in &mut s.volume_claim_templates {
        default_claim(t);
    }
    default_pod_spec(&mut s.template.spec);
}

/// `SetDefaults_DaemonSet` (apps/v1): a rolling update one node at a time, no surge.
pub fn default_daemon_set(ds: &mut DaemonSet) {
    let s = &mut ds.spec.update_strategy;
    if s.type_.is_empty() {
        s.type_ = "RollingUpdate".into();
    }
    if s.type_ == "RollingUpdate" {
        let ru = s
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        ru.max_unavailable.get_or_insert(IntOrString::Int(1));
        ru.max_surge.get_or_insert(IntOrString::Int(0));
    }
    ds.spec.revision_history_limit.get_or_insert(10);
    default_pod_spec(&mut ds.spec.template.spec);
}

pub fn default_replica_set(rs: &mut ReplicaSet) {
    rs.spec.replicas.get_or_insert(1);
    default_pod_spec(&mut rs.spec.template.spec);
}

fn default_service(s: &mut Service) {
    if s.spec.type_.is_empty() {
        s.spec.type_ = "ClusterIP".into();
    }
    set_default(&mut s.spec.extra, "sessionAffinity", json!("None"));
    set_default(&mut s.spec.extra, "internalTrafficPolicy", json!("Cluster"));
    set_default(&mut s.spec.extra, "ipFamilies", json!(["IPv4"]));
    set_default(&mut s.spec.extra, "ipFamilyPolicy", json!("SingleStack"));
    if s.spec.type_ == "NodePort" || s.spec.type_ == "LoadBalancer" {
        set_default(&mut s.spec.extra, "externalTrafficPolicy", json!("Cluster"));
    }
    for p in &mut s.spec.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
        if p.target_port.is_none() {
            p.target_port = Some(IntOrString::Int(p.port as i64));
        }
    }
    s.status
        .extra
        .entry("loadBalancer".into())
        .or_insert(json!({}));
}

fn default_secret(s: &mut Secret) {
    use base64::Engine;
    if s.type_.is_empty() {
        s.type_ = "Opaque".into();
    }
    for (k, v) in std::mem::take(&mut s.string_data) {
        s.data.insert(
            k,
            base64::engine::general_purpose::STANDARD.encode(v.as_bytes()),
        );
    }
}

/// Models kubernetes/pkg/apis/core/v1 SetDefaults_LimitRangeItem: for a Container item, a
/// missing default limit is the max, a missing default request the default limit, then the min.
fn default_limit_range(l: &mut crate::quota::LimitRange) {
    for item in &mut l.spec.limits {
        if item.type_ != "Container" {
            continue;
        }
        for (k, v) in item.max.clone() {
            item.default.entry(k).or_insert(v);
        }
        for (k, v) in item.default.clone() {
            item.default_request.entry(k).or_insert(v);
        }
        for (k, v) in item.min.clone() {
            item.default_request.entry(k).or_insert(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::core::Pod;

    /// The tolerations a pod has after admission, one per line (`key:operator:effect:seconds`).
    fn check(tolerations: serde_json::Value, expect: Expect) {
        let mut p: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], "tolerations": tolerations}
        }))
        .expect("pod");
        super::default_pod(&mut p);
        let lines: Vec<String> = p
            .spec
            .tolerations
            .iter()
            .map(|t| {
                format!(
                    "{}:{}:{}:{}",
                    t.key,
                    t.operator,
                    t.effect,
                    t.toleration_seconds.map_or("-".into(), |s| s.to_string())
                )
            })
            .collect();
        expect.assert_eq(&lines.join("\n"));
    }

    #[test]
    fn default_toleration_seconds() {
        check(
            serde_json::json!([]),
            expect![[r#"
                node.kubernetes.io/not-ready:Exists:NoExecute:300
                node.kubernetes.io/unreachable:Exists:NoExecute:300"#]],
        );
        // A wildcard toleration (no key, operator Exists) already tolerates both.
        check(
            serde_json::json!([{"operator": "Exists"}]),
            expect![[r#":Exists::-"#]],
        );
        // A key-less NoSchedule toleration does not tolerate NoExecute taints.
        check(
            serde_json::json!([{"operator": "Exists", "effect": "NoSchedule"}]),
            expect![[r#"
                :Exists:NoSchedule:-
                node.kubernetes.io/not-ready:Exists:NoExecute:300
                node.kubernetes.io/unreachable:Exists:NoExecute:300"#]],
        );
        // One of the two already given: only the other is added.
        check(
            serde_json::json!([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}]),
            expect![[r#"
                node.kubernetes.io/unreachable:Exists:NoExecute:60
                node.kubernetes.io/not-ready:Exists:NoExecute:300"#]],
        );
    }
}
