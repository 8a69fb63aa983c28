//! The RBAC authorizer: whether a user may do a verb on a resource, from the Roles,
//! ClusterRoles and their bindings, and the default ClusterRoles the API server bootstraps.
//!
//! Pure: a [`Policy`] is built from objects (the store's, or a test's) and answers questions; it
//! never reads a clock or the store itself. Models kubernetes/plugin/pkg/auth/authorizer/rbac
//! `RBACAuthorizer.Authorize` and `VisitRulesFor`.

use std::collections::BTreeMap;

use kubeplay_api::rbac::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject, GROUP};
use kubeplay_api::{Object, ObjectMeta};

/// The group kubeadm's `admin.conf` user belongs to; upstream's API server allows it everything
/// before RBAC is consulted (the privileged-group authorizer).
pub const SYSTEM_MASTERS: &str = "system:masters";
pub const AUTHENTICATED: &str = "system:authenticated";

/// Who makes a request: `user.Info` (name and groups).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// The console's user: kubeadm's `kubernetes-admin` in `system:masters`.
    pub fn admin() -> UserInfo {
        UserInfo {
            name: "kubernetes-admin".into(),
            groups: vec![SYSTEM_MASTERS.into(), AUTHENTICATED.into()],
        }
    }

    /// The user `kubectl --as NAME --as-group G` impersonates, with the groups the
    /// authenticator would add: `system:authenticated`, and for a ServiceAccount's name
    /// (`system:serviceaccount:NS:NAME`) `system:serviceaccounts` and
    /// `system:serviceaccounts:NS`. Models the impersonation filter's group handling.
    pub fn impersonated(name: &str, groups: &[String]) -> UserInfo {
        let mut all: Vec<String> = groups.to_vec();
        if groups.is_empty() {
            if let Some((ns, _)) = service_account_of(name) {
                all.push("system:serviceaccounts".into());
                all.push(format!("system:serviceaccounts:{ns}"));
            }
        }
        if !all.iter().any(|g| g == AUTHENTICATED) && name != "system:anonymous" {
            all.push(AUTHENTICATED.into());
        }
        UserInfo {
            name: name.into(),
            groups: all,
        }
    }
}

/// `(namespace, name)` of a ServiceAccount's user name `system:serviceaccount:NS:NAME`.
pub fn service_account_of(user: &str) -> Option<(&str, &str)> {
    let rest = user.strip_prefix("system:serviceaccount:")?;
    let (ns, name) = rest.split_once(':')?;
    (!ns.is_empty() && !name.is_empty() && !name.contains(':')).then_some((ns, name))
}

/// What is asked: `authorizer.Attributes` for a resource request or a non-resource URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    /// Empty for the core group.
    pub api_group: String,
    /// Plural, `pods`; empty for a non-resource request.
    pub resource: String,
    pub subresource: String,
    /// Empty for cluster-scoped resources and for requests across all namespaces.
    pub namespace: String,
    pub name: String,
    /// A non-resource request's path (`/healthz`), when `resource` is empty.
    pub path: String,
}

impl Attributes {
    pub fn resource(verb: &str, api_group: &str, resource: &str, namespace: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            api_group: api_group.into(),
            resource: resource.into(),
            namespace: namespace.into(),
            ..Default::default()
        }
    }
    fn is_resource_request(&self) -> bool {
        self.path.is_empty()
    }
}

/// The rule sets in force: the four RBAC kinds, by name.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    roles: BTreeMap<(String, String), Vec<PolicyRule>>,
    cluster_roles: BTreeMap<String, Vec<PolicyRule>>,
    role_bindings: Vec<(String, Vec<Subject>, RoleRef)>,
    cluster_role_bindings: Vec<(Vec<Subject>, RoleRef)>,
}

impl Policy {
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Object>) -> Policy {
        let mut p = Policy::default();
        for o in objects {
            match o {
                Object::Role(r) => {
                    p.roles.insert(
                        (r.metadata.namespace.clone(), r.metadata.name.clone()),
                        r.rules.clone(),
                    );
                }
                Object::ClusterRole(r) => {
                    p.cluster_roles
                        .insert(r.metadata.name.clone(), r.rules.clone());
                }
                Object::RoleBinding(b) => p.role_bindings.push((
                    b.metadata.namespace.clone(),
                    b.subjects.clone(),
                    b.role_ref.clone(),
                )),
                Object::ClusterRoleBinding(b) => p
                    .cluster_role_bindings
                    .push((b.subjects.clone(), b.role_ref.clone())),
                _ => {}
            }
        }
        p
    }

    fn role_rules(&self, binding_ns: &str, r: &RoleRef) -> &[PolicyRule] {
        let rules = match r.kind.as_str() {
            "ClusterRole" => self.cluster_roles.get(&r.name),
            "Role" => self.roles.get(&(binding_ns.to_string(), r.name.clone())),
            _ => None,
        };
        rules.map_or(&[], Vec::as_slice)
    }

    /// Every rule that applies to `user` in `namespace` (cluster-wide bindings always; the
    /// namespace's RoleBindings when one is given), in upstream's visiting order.
    pub fn rules_for(&self, user: &UserInfo, namespace: &str) -> Vec<&PolicyRule> {
        let mut out = Vec::new();
        for (subjects, r) in &self.cluster_role_bindings {
            if subjects.iter().any(|s| applies_to(s, user, "")) {
                out.extend(self.role_rules("", r));
            }
        }
        if !namespace.is_empty() {
            for (ns, subjects, r) in &self.role_bindings {
                if ns == namespace && subjects.iter().any(|s| applies_to(s, user, ns)) {
                    out.extend(self.role_rules(ns, r));
                }
            }
        }
        out
    }

    /// Whether `user` may do what `attrs` asks: the privileged group first, then any rule.
    pub fn allows(&self, user: &UserInfo, attrs: &Attributes) -> bool {
        user.groups.iter().any(|g| g == SYSTEM_MASTERS)
            || self
                .rules_for(user, &attrs.namespace)
                .into_iter()
                .any(|r| rule_allows(r, attrs))
    }
}

/// Models kubernetes/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters
/// `forbiddenMessage`: `pods "web" is forbidden: User "jane" cannot get resource "pods" in API
/// group "" in the namespace "default"` (no name on a list or create; `at the cluster scope`
/// without a namespace).
pub fn forbidden_message(user: &UserInfo, a: &Attributes) -> String {
    if !a.is_resource_request() {
        return format!(
            "forbidden: User {:?} cannot {} path {:?}",
            user.name, a.verb, a.path
        );
    }
    let mut resource = a.resource.clone();
    if !a.subresource.is_empty() {
        resource = format!("{resource}/{}", a.subresource);
    }
    let qualified = if a.api_group.is_empty() {
        a.resource.clone()
    } else {
        format!("{}.{}", a.resource, a.api_group)
    };
    let what = if a.name.is_empty() {
        format!("{qualified} is forbidden")
    } else {
        format!("{qualified} {:?} is forbidden", a.name)
    };
    let scope = if a.namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace {:?}", a.namespace)
    };
    format!(
        "{what}: User {:?} cannot {} resource {resource:?} in API group {:?} {scope}",
        user.name, a.verb, a.api_group
    )
}

/// Models rbac `appliesToUser`: a ServiceAccount subject without a namespace means the
/// binding's own.
fn applies_to(s: &Subject, user: &UserInfo, binding_ns: &str) -> bool {
    match s.kind.as_str() {
        "User" => s.name == user.name,
        "Group" => user.groups.contains(&s.name),
        "ServiceAccount" => {
            let ns = if s.namespace.is_empty() {
                binding_ns
            } else {
                &s.namespace
            };
            service_account_of(&user.name) == Some((ns, s.name.as_str()))
        }
        _ => false,
    }
}

/// Models rbac/validation `RuleAllows`.
pub fn rule_allows(r: &PolicyRule, a: &Attributes) -> bool {
    let verb_ok = r.verbs.iter().any(|v| v == "*" || *v == a.verb);
    if !verb_ok {
        return false;
    }
    if !a.is_resource_request() {
        return r.non_resource_urls.iter().any(|u| {
            u == "*" || *u == a.path || u.strip_suffix('*').is_some_and(|p| a.path.starts_with(p))
        });
    }
    let group_ok = r.api_groups.iter().any(|g| g == "*" || *g == a.api_group);
    let combined = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let resource_ok = r.resources.iter().any(|res| {
        res == "*"
            || *res == combined
            || (!a.subresource.is_empty() && *res == format!("*/{}", a.subresource))
    });
    let name_ok =
        r.resource_names.is_empty() || (!a.name.is_empty() && r.resource_names.contains(&a.name));
    group_ok && resource_ok && name_ok
}

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
    PolicyRule {
        verbs: s(verbs),
        api_groups: s(groups),
        resources: s(resources),
        ..Default::default()
    }
}

fn url_rule(urls: &[&str], verbs: &[&str]) -> PolicyRule {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
    PolicyRule {
        verbs: s(verbs),
        non_resource_urls: s(urls),
        ..Default::default()
    }
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];

/// The rules of the `view`, `edit` and `admin` ClusterRoles over the resources the playground
/// serves. Upstream builds these by aggregation; the sets follow its: `view` reads everything
/// but Secrets and RBAC, `edit` also writes them and reads Secrets, `admin` also manages Roles
/// and RoleBindings.
fn user_facing_rules(level: &str) -> Vec<PolicyRule> {
    let core_read = [
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "pods",
        "pods/log",
        "pods/status",
        "replicationcontrollers",
        "services",
        "services/status",
        "serviceaccounts",
        "events",
        "limitranges",
        "resourcequotas",
        "namespaces",
        "namespaces/status",
    ];
    let apps = [
        "daemonsets",
        "deployments",
        "deployments/scale",
        "replicasets",
        "replicasets/scale",
        "statefulsets",
        "statefulsets/scale",
    ];
    let batch = ["cronjobs", "jobs"];
    let mut rules = vec![
        rule(&[""], &core_read, READ),
        rule(&["apps"], &apps, READ),
        rule(&["batch"], &batch, READ),
        rule(&["autoscaling"], &["horizontalpodautoscalers"], READ),
        rule(
            &["networking.k8s.io"],
            &["ingresses", "networkpolicies"],
            READ,
        ),
        rule(&["policy"], &["poddisruptionbudgets"], READ),
    ];
    if level == "view" {
        return rules;
    }
    let core_write = [
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "pods",
        "pods/attach",
        "pods/exec",
        "pods/eviction",
        "pods/portforward",
        "replicationcontrollers",
        "secrets",
        "services",
        "serviceaccounts",
    ];
    rules.extend([
        rule(&[""], &["secrets"], READ),
        rule(&[""], &core_write, WRITE),
        rule(&[""], &["serviceaccounts/token"], &["create"]),
        rule(&["apps"], &apps, WRITE),
        rule(&["batch"], &batch, WRITE),
        rule(&["autoscaling"], &["horizontalpodautoscalers"], WRITE),
        rule(
            &["networking.k8s.io"],
            &["ingresses", "networkpolicies"],
            WRITE,
        ),
        rule(&["policy"], &["poddisruptionbudgets"], WRITE),
    ]);
    if level == "admin" {
        let all: Vec<&str> = READ.iter().chain(WRITE).copied().collect();
        rules.extend([
            rule(&[GROUP], &["rolebindings", "roles"], &all),
            rule(
                &["authorization.k8s.io"],
                &["localsubjectaccessreviews"],
                &["create"],
            ),
        ]);
    }
    rules
}

/// The ClusterRoles and ClusterRoleBindings the API server creates at start (upstream's
/// bootstrap policy), those that matter for the labs: `cluster-admin` (bound to
/// `system:masters`), `admin`, `edit`, `view`, and what every authenticated user may do
/// (`system:basic-user`: review itself; `system:discovery` and `system:public-info-viewer`:
/// read the discovery and health URLs).
pub fn bootstrap_policy() -> Vec<Object> {
    let meta = |name: &str| {
        let mut m = ObjectMeta::named("", name);
        m.labels
            .insert("kubernetes.io/bootstrapping".into(), "rbac-defaults".into());
        m.annotations.insert(
            "rbac.authorization.kubernetes.io/autoupdate".into(),
            "true".into(),
        );
        m
    };
    let all = &["*"];
    let roles: Vec<(&str, Vec<PolicyRule>)> = vec![
        (
            "cluster-admin",
            vec![rule(all, all, all), url_rule(all, all)],
        ),
        ("admin", user_facing_rules("admin")),
        ("edit", user_facing_rules("edit")),
        ("view", user_facing_rules("view")),
        (
            "system:basic-user",
            vec![
                rule(
                    &["authentication.k8s.io"],
                    &["selfsubjectreviews"],
                    &["create"],
                ),
                rule(
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    &["create"],
                ),
            ],
        ),
        (
            "system:discovery",
            vec![url_rule(
                &[
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ],
                &["get"],
            )],
        ),
        (
            "system:public-info-viewer",
            vec![url_rule(
                &["/healthz", "/livez", "/readyz", "/version", "/version/"],
                &["get"],
            )],
        ),
    ];
    let mut out: Vec<Object> = Vec::new();
    for (name, rules) in roles {
        let mut m = meta(name);
        if let Some(level) = ["admin", "edit", "view"].iter().find(|l| **l == name) {
            // Upstream's labels, so a user's aggregated ClusterRoles can be told apart from these.
            m.labels.insert(
                format!("rbac.authorization.k8s.io/aggregate-to-{level}"),
                "true".into(),
            );
        }
        out.push(Object::ClusterRole(ClusterRole {
            metadata: m,
            rules,
            aggregation_rule: None,
        }));
    }
    let group = |name: &str| Subject {
        kind: "Group".into(),
        api_group: GROUP.into(),
        name: name.into(),
        namespace: String::new(),
    };
    for (name, subject) in [
        ("cluster-admin", SYSTEM_MASTERS),
        ("system:basic-user", AUTHENTICATED),
        ("system:discovery", AUTHENTICATED),
        ("system:public-info-viewer", AUTHENTICATED),
    ] {
        out.push(Object::ClusterRoleBinding(ClusterRoleBinding {
            metadata: meta(name),
            subjects: vec![group(subject)],
            role_ref: RoleRef {
                api_group: GROUP.into(),
                kind: "ClusterRole".into(),
                name: name.into(),
            },
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_api::parse_documents;
    use kubeplay_api::rbac::RoleBinding;

    const POLICY: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: dev}
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["settings"]
  verbs: ["get", "update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: dev}
subjects:
- {kind: ServiceAccount, name: robot}
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules:
- apiGroups: ["apps"]
  resources: ["*"]
  verbs: ["*"]
- apiGroups: ["*"]
  resources: ["*/scale"]
  verbs: ["patch"]
- nonResourceURLs: ["/healthz", "/logs/*"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployers, namespace: prod}
subjects:
- {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: ClusterRole, name: deployer, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditors}
subjects:
- {kind: ServiceAccount, name: auditor, namespace: tools}
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: ClusterRole, name: deployer, apiGroup: rbac.authorization.k8s.io}
"#;

    /// `user [groups] verb group/resource[/sub] ns name` or `user verb URL`, → yes/no.
    fn check(cases: &str) -> String {
        let objects: Vec<Object> = parse_documents(POLICY)
            .unwrap()
            .into_iter()
            .map(|v| Object::from_value(v).unwrap())
            .chain(bootstrap_policy())
            .collect();
        let policy = Policy::from_objects(&objects);
        let mut out = String::new();
        for line in cases.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (user, rest) = w.split_first().unwrap();
            let (groups, rest): (Vec<String>, &[&str]) = match rest.first() {
                Some(g) if g.starts_with('[') => (
                    g.trim_matches(|c| c == '[' || c == ']')
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                    &rest[1..],
                ),
                _ => (Vec::new(), rest),
            };
            let u = UserInfo::impersonated(user, &groups);
            let a = if rest[1].starts_with('/') {
                Attributes {
                    verb: rest[0].into(),
                    path: rest[1].into(),
                    ..Default::default()
                }
            } else {
                let mut parts = rest[1].splitn(3, '/');
                let group = parts.next().unwrap_or("");
                Attributes {
                    verb: rest[0].into(),
                    api_group: if group == "core" { "" } else { group }.into(),
                    resource: parts.next().unwrap_or("").into(),
                    subresource: parts.next().unwrap_or("").into(),
                    namespace: rest
                        .get(2)
                        .filter(|n| **n != "-")
                        .unwrap_or(&"")
                        .to_string(),
                    name: rest.get(3).unwrap_or(&"").to_string(),
                    path: String::new(),
                }
            };
            let verdict = if policy.allows(&u, &a) { "yes" } else { "no" };
            out.push_str(&format!("{line:<70} {verdict}\n"));
        }
        out
    }

    #[test]
    fn rules_bindings_and_subjects() {
        expect_test::expect![[r#"
            system:serviceaccount:dev:robot get core/pods dev                      yes
            system:serviceaccount:dev:robot list core/pods dev                     yes
            system:serviceaccount:dev:robot delete core/pods dev                   no
            system:serviceaccount:dev:robot get core/pods prod                     no
            system:serviceaccount:dev:robot get core/pods -                        no
            system:serviceaccount:dev:robot get core/pods/log dev                  yes
            system:serviceaccount:dev:robot get core/pods/exec dev                 no
            system:serviceaccount:dev:robot get apps/pods dev                      no
            system:serviceaccount:other:robot get core/pods dev                    no
            jane get core/pods dev                                                 yes
            jane get core/configmaps dev settings                                  yes
            jane update core/configmaps dev settings                               yes
            jane get core/configmaps dev other                                     no
            jane list core/configmaps dev                                          no
            bob [ops] create apps/deployments prod                                 yes
            bob [ops] create apps/deployments dev                                  no
            bob [ops] patch core/replicationcontrollers/scale prod                 yes
            bob [ops] update core/replicationcontrollers/scale prod                no
            bob [ops] get /logs/kubelet                                            no
            system:serviceaccount:tools:auditor get /healthz                       yes
            system:serviceaccount:tools:auditor get /logs/kubelet                  yes
            system:serviceaccount:tools:auditor post /healthz                      no
            system:serviceaccount:tools:auditor delete apps/daemonsets kube-system yes
            system:serviceaccount:ci:builder list apps/deployments -               yes
            system:serviceaccount:ci:builder [devs] list apps/deployments -        no
            anyone [system:masters] delete core/nodes - n1                         yes
            anyone get /version                                                    yes
            anyone create authentication.k8s.io/selfsubjectreviews -               yes
            anyone list core/pods default                                          no
        "#]]
        .assert_eq(&check(
            "
            system:serviceaccount:dev:robot get core/pods dev
            system:serviceaccount:dev:robot list core/pods dev
            system:serviceaccount:dev:robot delete core/pods dev
            system:serviceaccount:dev:robot get core/pods prod
            system:serviceaccount:dev:robot get core/pods -
            system:serviceaccount:dev:robot get core/pods/log dev
            system:serviceaccount:dev:robot get core/pods/exec dev
            system:serviceaccount:dev:robot get apps/pods dev
            system:serviceaccount:other:robot get core/pods dev
            jane get core/pods dev
            jane get core/configmaps dev settings
            jane update core/configmaps dev settings
            jane get core/configmaps dev other
            jane list core/configmaps dev
            bob [ops] create apps/deployments prod
            bob [ops] create apps/deployments dev
            bob [ops] patch core/replicationcontrollers/scale prod
            bob [ops] update core/replicationcontrollers/scale prod
            bob [ops] get /logs/kubelet
            system:serviceaccount:tools:auditor get /healthz
            system:serviceaccount:tools:auditor get /logs/kubelet
            system:serviceaccount:tools:auditor post /healthz
            system:serviceaccount:tools:auditor delete apps/daemonsets kube-system
            system:serviceaccount:ci:builder list apps/deployments -
            system:serviceaccount:ci:builder [devs] list apps/deployments -
            anyone [system:masters] delete core/nodes - n1
            anyone get /version
            anyone create authentication.k8s.io/selfsubjectreviews -
            anyone list core/pods default
            ",
        ));
    }

    #[test]
    fn bootstrap_roles() {
        let policy = Policy::from_objects(&bootstrap_policy());
        let bind = |role: &str| {
            let mut objs = bootstrap_policy();
            objs.push(Object::RoleBinding(RoleBinding {
                metadata: ObjectMeta::named("dev", "b"),
                subjects: vec![Subject {
                    kind: "User".into(),
                    api_group: GROUP.into(),
                    name: "u".into(),
                    namespace: String::new(),
                }],
                role_ref: RoleRef {
                    api_group: GROUP.into(),
                    kind: "ClusterRole".into(),
                    name: role.into(),
                },
            }));
            Policy::from_objects(&objs)
        };
        let u = UserInfo::impersonated("u", &[]);
        let can = |p: &Policy, verb: &str, group: &str, res: &str| {
            p.allows(&u, &Attributes::resource(verb, group, res, "dev"))
        };
        assert!(!can(&policy, "get", "", "pods"));
        let view = bind("view");
        assert!(can(&view, "list", "", "pods") && !can(&view, "get", "", "secrets"));
        assert!(!can(&view, "create", "apps", "deployments"));
        let edit = bind("edit");
        assert!(can(&edit, "create", "apps", "deployments") && can(&edit, "get", "", "secrets"));
        assert!(!can(&edit, "create", GROUP, "roles"));
        let admin = bind("admin");
        assert!(can(&admin, "create", GROUP, "rolebindings"));
        // A RoleBinding to cluster-admin grants everything in its namespace only.
        let ca = bind("cluster-admin");
        assert!(can(&ca, "delete", "", "secrets"));
        assert!(!ca.allows(&u, &Attributes::resource("list", "", "nodes", "")));
    }
}
