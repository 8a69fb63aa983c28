//! Access: each namespace's `default` ServiceAccount (the ServiceAccount controller), the
//! ServiceAccount admission plugin, the bootstrap RBAC policy and the authorizer over the store.

mod common;

use common::*;
use kubeplay_api::{Kind, Object};
use kubeplay_engine::rbac::{Attributes, UserInfo};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: dev\nspec:\n  containers:\n  - name: web\n    image: nginx\n";

#[test]
fn every_namespace_has_a_default_service_account() {
    let mut c = cluster(1, 3);
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        assert!(c.get(Kind::ServiceAccount, ns, "default").is_ok(), "{ns}");
    }
    // At once, so a pod created right after its namespace is admitted.
    apply_yaml(
        &mut c,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n",
    );
    apply_yaml(&mut c, POD);
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "dev", "web") else {
        panic!("pod admitted")
    };
    assert_eq!(p.spec.extra["serviceAccountName"], "default");
    // Deleted, it comes back, as upstream's controller recreates it.
    c.delete(Kind::ServiceAccount, "dev", "default", None)
        .unwrap();
    assert!(c.get(Kind::ServiceAccount, "dev", "default").is_ok());
}

#[test]
fn a_pod_naming_a_missing_service_account_is_refused() {
    let mut c = cluster(1, 3);
    let pod = POD
        .replace("namespace: dev", "namespace: default")
        .replace("spec:\n", "spec:\n  serviceAccountName: builder\n");
    let o = Object::from_value(kubeplay_api::parse_documents(&pod).unwrap().remove(0)).unwrap();
    let before = c.resource_version();
    let err = c.create(o.clone()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error from server (Forbidden): pods \"web\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found"
    );
    assert_eq!(c.resource_version(), before, "nothing stored");
    apply_yaml(
        &mut c,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n",
    );
    let Object::Pod(p) = c.create(o).unwrap() else {
        panic!()
    };
    assert_eq!(p.spec.extra["serviceAccount"], "builder");
}

#[test]
fn the_store_policy_answers_for_bindings() {
    let mut c = cluster(1, 3);
    apply_yaml(
        &mut c,
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: pod-reader\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get, list]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read-pods\nsubjects:\n- kind: ServiceAccount\n  name: default\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: pod-reader\n",
    );
    let sa = UserInfo::impersonated("system:serviceaccount:default:default", &[]);
    let policy = c.policy();
    assert!(policy.allows(&sa, &Attributes::resource("list", "", "pods", "default")));
    assert!(!policy.allows(&sa, &Attributes::resource("delete", "", "pods", "default")));
    assert!(policy.allows(
        &UserInfo::admin(),
        &Attributes::resource("delete", "", "nodes", "")
    ));
    assert!(c.get(Kind::ClusterRoleBinding, "", "cluster-admin").is_ok());
}

#[test]
fn rbac_validation_messages() {
    let mut c = cluster(0, 3);
    let mut bad = |yaml: &str| {
        let o = Object::from_value(kubeplay_api::parse_documents(yaml).unwrap().remove(0)).unwrap();
        c.create(o).map(|_| ()).unwrap_err().to_string()
    };
    let mut errs = String::new();
    for yaml in [
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- resources: [pods]\n",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- nonResourceURLs: [/healthz]\n  verbs: [get]\n",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  kind: Role\n  name: r\nsubjects:\n- kind: ServiceAccount\n  name: x\n- kind: Robot\n  name: z\n",
    ] {
        errs.push_str(&bad(yaml));
        errs.push('\n');
    }
    expect_test::expect![[r#"
        The Role "r" is invalid: 
        * rules[0].verbs: Required value: verbs must contain at least one value
        * rules[0].apiGroups: Required value: resource rules must supply at least one api group
        The Role "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs
        The ClusterRoleBinding "b" is invalid: 
        * roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"
        * subjects[0].namespace: Required value
        * subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"
    "#]]
    .assert_eq(&errs);
}
