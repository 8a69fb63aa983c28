//! describe for ServiceAccounts, Roles, ClusterRoles and their bindings.

use super::*;

/// kubectl's ServiceAccount description (no token Secrets are made since 1.24: `<none>`).
pub(super) fn service_account(sa: &kubeplay_api::ServiceAccount, w: &mut Writer) {
    w.line(&format!("Name:\t{}", sa.metadata.name));
    w.line(&format!("Namespace:\t{}", sa.metadata.namespace));
    labels(w, "Labels", &sa.metadata.labels);
    annotations(w, "Annotations", &sa.metadata.annotations);
    let names = |v: Vec<String>| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.join(", ")
        }
    };
    let pull: Vec<String> = sa
        .image_pull_secrets
        .iter()
        .filter_map(|s| s.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    w.line(&format!("Image pull secrets:\t{}", names(pull)));
    let mountable: Vec<String> = sa.secrets.iter().map(|s| s.name.clone()).collect();
    w.line(&format!("Mountable secrets:\t{}", names(mountable)));
    w.line("Tokens:\t<none>");
}

/// Models kubectl's RoleDescriber: each rule broken down to one group, resource and name, those
/// with the same three merged (`rbac.CompactRules`), sorted as upstream sorts them (by the
/// rule's printed form, verbs first).
pub(super) fn policy_rules(o: &Object, rules: &[kubeplay_api::rbac::PolicyRule], w: &mut Writer) {
    w.line(&format!("Name:\t{}", o.name()));
    labels(w, "Labels", &o.meta().labels);
    annotations(w, "Annotations", &o.meta().annotations);
    w.line("PolicyRule:");
    w.line("  Resources\tNon-Resource URLs\tResource Names\tVerbs");
    w.line("  ---------\t-----------------\t--------------\t-----");
    for (_, resource, urls, names, verbs) in compact_rules(rules) {
        w.line(&format!("  {resource}\t{urls}\t{names}\t{verbs}"));
    }
}

/// Go's `%v` of a `[]string`: `[a b]`.
pub(super) fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// kubectl's RoleBindingDescriber and ClusterRoleBindingDescriber.
pub(super) fn binding(
    o: &Object,
    role_ref: &kubeplay_api::rbac::RoleRef,
    subjects: &[kubeplay_api::rbac::Subject],
    w: &mut Writer,
) {
    w.line(&format!("Name:\t{}", o.name()));
    labels(w, "Labels", &o.meta().labels);
    annotations(w, "Annotations", &o.meta().annotations);
    w.line("Role:");
    w.line(&format!("  Kind:\t{}", role_ref.kind));
    w.line(&format!("  Name:\t{}", role_ref.name));
    w.line("Subjects:");
    w.line("  Kind\tName\tNamespace");
    w.line("  ----\t----\t---------");
    for s in subjects {
        w.line(&format!("  {}\t{}\t{}", s.kind, s.name, s.namespace));
    }
}
