//! `rbac.authorization.k8s.io/v1` Role, ClusterRole, RoleBinding and ClusterRoleBinding: who may
//! do what, evaluated by the engine's authorizer (`kubeplay_engine::rbac`).

use serde::{Deserialize, Serialize};

use crate::meta::{LabelSelector, ObjectMeta};

/// The API group of these kinds, which `roleRef.apiGroup` and User/Group subjects name.
pub const GROUP: &str = "rbac.authorization.k8s.io";

/// `rbacv1.PolicyRule`: verbs on resources of API groups (optionally by name), or on
/// non-resource URLs (ClusterRoles only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    /// Upstream prints `verbs` even when empty (no omitempty); validation then refuses it.
    #[serde(default)]
    pub verbs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(
        default,
        rename = "nonResourceURLs",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub non_resource_urls: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        serialize_with = "empty_as_null"
    )]
    pub rules: Vec<PolicyRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRole {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        serialize_with = "empty_as_null"
    )]
    pub rules: Vec<PolicyRule>,
    /// The ClusterRoles whose rules the ClusterRole aggregation controller copies into `rules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_rule: Option<AggregationRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregationRule {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_role_selectors: Vec<LabelSelector>,
}

/// `rbacv1.RoleRef`: every field is printed, as upstream has no omitempty on them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRef {
    #[serde(default)]
    pub api_group: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

/// `rbacv1.Subject`: a User, a Group or a ServiceAccount.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_group: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleBinding {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub role_ref: RoleRef,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRoleBinding {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub role_ref: RoleRef,
}

/// `rules` has no omitempty upstream: none is printed `rules: null` (as an aggregated ClusterRole
/// is before the aggregation controller fills it), and `null` is read back as none.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PolicyRule>, D::Error> {
    Ok(Option::<Vec<PolicyRule>>::deserialize(d)?.unwrap_or_default())
}

fn empty_as_null<S: serde::Serializer>(rules: &[PolicyRule], s: S) -> Result<S::Ok, S::Error> {
    if rules.is_empty() {
        s.serialize_none()
    } else {
        s.collect_seq(rules)
    }
}

/// Models kubernetes/pkg/apis/rbac/v1 `SetDefaults_Subject` and the bindings' roleRef default:
/// User and Group subjects, and a roleRef without a group, get `rbac.authorization.k8s.io`.
pub fn default_binding(subjects: &mut [Subject], role_ref: &mut RoleRef) {
    if role_ref.api_group.is_empty() {
        role_ref.api_group = GROUP.into();
    }
    for s in subjects {
        if s.api_group.is_empty() && (s.kind == "User" || s.kind == "Group") {
            s.api_group = GROUP.into();
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Go's `%#v` of a `[]string`, as the API server prints an invalid list value.
fn go_strings(v: &[String]) -> String {
    format!(
        "[]string{{{}}}",
        v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
    )
}

/// Models kubernetes/pkg/apis/rbac/validation `ValidatePolicyRule`: a rule needs verbs, and
/// either non-resource URLs (never in a namespaced Role) or API groups with resources.
pub fn validate_rules(rules: &[PolicyRule], namespaced: bool, errs: &mut Vec<String>) {
    for (i, r) in rules.iter().enumerate() {
        let path = format!("rules[{i}]");
        if r.verbs.is_empty() {
            errs.push(format!(
                "{path}.verbs: Required value: verbs must contain at least one value"
            ));
        }
        if !r.non_resource_urls.is_empty() {
            if namespaced {
                errs.push(format!(
                    "{path}.nonResourceURLs: Invalid value: {}: namespaced rules cannot apply to non-resource URLs",
                    go_strings(&r.non_resource_urls)
                ));
            }
            if !r.api_groups.is_empty() || !r.resources.is_empty() || !r.resource_names.is_empty() {
                errs.push(format!(
                    "{path}.nonResourceURLs: Invalid value: {}: rules cannot apply to both regular resources and non-resource URLs",
                    go_strings(&r.non_resource_urls)
                ));
            }
            continue;
        }
        if r.api_groups.is_empty() {
            errs.push(format!(
                "{path}.apiGroups: Required value: resource rules must supply at least one api group"
            ));
        }
        if r.resources.is_empty() {
            errs.push(format!(
                "{path}.resources: Required value: resource rules must supply at least one resource"
            ));
        }
    }
}

/// Models kubernetes/pkg/apis/rbac/validation `ValidateRoleBindingSubject` and the roleRef
/// checks: `cluster` is a ClusterRoleBinding (only ClusterRoles; ServiceAccounts need a
/// namespace).
pub fn validate_binding(
    subjects: &[Subject],
    role_ref: &RoleRef,
    cluster: bool,
    errs: &mut Vec<String>,
) {
    if role_ref.api_group != GROUP {
        errs.push(format!(
            "roleRef.apiGroup: Unsupported value: {}: supported values: \"{GROUP}\"",
            quote(&role_ref.api_group)
        ));
    }
    match role_ref.kind.as_str() {
        "ClusterRole" => {}
        "Role" if !cluster => {}
        other if cluster => errs.push(format!(
            "roleRef.kind: Unsupported value: {}: supported values: \"ClusterRole\"",
            quote(other)
        )),
        other => errs.push(format!(
            "roleRef.kind: Unsupported value: {}: supported values: \"Role\", \"ClusterRole\"",
            quote(other)
        )),
    }
    if role_ref.name.is_empty() {
        errs.push("roleRef.name: Required value".into());
    }
    for (i, s) in subjects.iter().enumerate() {
        let path = format!("subjects[{i}]");
        if s.name.is_empty() {
            errs.push(format!("{path}.name: Required value"));
        }
        match s.kind.as_str() {
            "ServiceAccount" => {
                if !s.api_group.is_empty() {
                    errs.push(format!(
                        "{path}.apiGroup: Unsupported value: {}: supported values: \"\"",
                        quote(&s.api_group)
                    ));
                }
                if cluster && s.namespace.is_empty() {
                    errs.push(format!("{path}.namespace: Required value"));
                }
            }
            "User" | "Group" => {
                if s.api_group != GROUP {
                    errs.push(format!(
                        "{path}.apiGroup: Unsupported value: {}: supported values: \"{GROUP}\"",
                        quote(&s.api_group)
                    ));
                }
            }
            other => errs.push(format!(
                "{path}.kind: Unsupported value: {}: supported values: \"ServiceAccount\", \"User\", \"Group\"",
                quote(other)
            )),
        }
    }
}
