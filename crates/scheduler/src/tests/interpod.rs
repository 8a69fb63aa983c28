//! InterPodAffinity (not researched in the semantics doc: see the plugin's module docs for what is
//! assumed): required affinity, the first-pod exception, anti-affinity both ways, preferred terms.

use expect_test::{expect, Expect};
use serde_json::json;

use super::{check, only};

const NODES: &str = "node a l:kubernetes.io/hostname=a l:zone=z1
                     node b l:kubernetes.io/hostname=b l:zone=z1
                     node c l:kubernetes.io/hostname=c l:zone=z2
                     node d l:kubernetes.io/hostname=d\n";

fn term(app: &str, key: &str) -> String {
    format!(r#"{{"labelSelector":{{"matchLabels":{{"app":"{app}"}}}},"topologyKey":"{key}"}}"#)
}

fn filter(scenario: &str, expect: Expect) {
    check(
        only(&["InterPodAffinity"], &[], json!([])),
        &format!("{NODES}{scenario}"),
        expect,
    );
}

#[test]
fn required_affinity() {
    let affinity = format!(
        r#"spec:{{"affinity":{{"podAffinity":{{"requiredDuringSchedulingIgnoredDuringExecution":[{}]}}}}}}"#,
        term("db", "zone")
    );
    filter(
        &format!("pod db@c l:app=db\npod p l:app=web {affinity}"),
        expect![[r#"
            a: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            b: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            c: 
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => c
        "#]],
    );
    // No pod matches anywhere, but the pod matches its own term: any node with the key will do.
    filter(
        &format!("pod p l:app=db {affinity}"),
        expect![[r#"
            a: 
            b: 
            c: 
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => a
        "#]],
    );
    // A matching pod in another namespace does not count.
    filter(
        &format!("pod db@c l:app=db ns:other\npod p l:app=web {affinity}"),
        expect![[r#"
            a: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            b: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            c: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => 0/4 nodes are available: 4 node(s) didn't match pod affinity rules.
        "#]],
    );
}

#[test]
fn required_anti_affinity() {
    filter(
        &format!(
            r#"pod w1@a l:app=web
               pod p l:app=web spec:{{"affinity":{{"podAntiAffinity":{{"requiredDuringSchedulingIgnoredDuringExecution":[{}]}}}}}}"#,
            term("web", "kubernetes.io/hostname")
        ),
        expect![[r#"
            a: ✗ InterPodAffinity: node(s) didn't match pod anti-affinity rules
            b: 
            c: 
            d: 
            => b
        "#]],
    );
    // An existing pod's anti-affinity keeps web pods out of its zone.
    filter(
        &format!(
            r#"pod loner@b l:app=loner spec:{{"affinity":{{"podAntiAffinity":{{"requiredDuringSchedulingIgnoredDuringExecution":[{}]}}}}}}
               pod p l:app=web"#,
            term("web", "zone")
        ),
        expect![[r#"
            a: ✗ InterPodAffinity: node(s) didn't satisfy existing pods anti-affinity rules
            b: ✗ InterPodAffinity: node(s) didn't satisfy existing pods anti-affinity rules
            c: 
            d: 
            => c
        "#]],
    );
}

#[test]
fn preferred_terms() {
    check(
        only(&[], &[("InterPodAffinity", 1)], json!([])),
        &format!(
            r#"{NODES}
               pod cache@b l:app=cache
               pod noisy@c l:app=noisy
               pod p l:app=web spec:{{"affinity":{{"podAffinity":{{"preferredDuringSchedulingIgnoredDuringExecution":[{{"weight":10,"podAffinityTerm":{}}}]}},"podAntiAffinity":{{"preferredDuringSchedulingIgnoredDuringExecution":[{{"weight":5,"podAffinityTerm":{}}}]}}}}}}"#,
            term("cache", "zone"),
            term("noisy", "kubernetes.io/hostname")
        ),
        expect![[r#"
            a: InterPodAffinity=10/100
            b: InterPodAffinity=10/100
            c: InterPodAffinity=-5/0
            d: InterPodAffinity=0/33
            => a
        "#]],
    );
    // No preferred terms anywhere: PreScore Skip.
    check(
        only(&[], &[("InterPodAffinity", 1)], json!([])),
        &format!("{NODES}pod p l:app=web"),
        expect![[r#"
            a: 
            b: 
            c: 
            d: 
            => a
        "#]],
    );
}

/// `namespaceSelector` selects namespaces by their labels (not the term owner's namespace);
/// `{}` selects every namespace; with neither it and `namespaces`, the owner's namespace counts.
#[test]
fn namespace_selector() {
    let affinity = |ns: &str| {
        format!(
            r#"spec:{{"affinity":{{"podAffinity":{{"requiredDuringSchedulingIgnoredDuringExecution":[{{"labelSelector":{{"matchLabels":{{"app":"db"}}}},"topologyKey":"zone"{ns}}}]}}}}}}"#
        )
    };
    let pods = "namespace team-x l:team=x
                namespace default
                pod db1@a l:app=db ns:team-x
                pod db2@c l:app=db\n";
    // Only team-x's db counts: zone z1.
    filter(
        &format!(
            "{pods}pod p l:app=web {}",
            affinity(r#","namespaceSelector":{"matchLabels":{"team":"x"}}"#)
        ),
        expect![[r#"
            a: 
            b: 
            c: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => a
        "#]],
    );
    // Every namespace: both zones.
    filter(
        &format!(
            "{pods}pod p l:app=web {}",
            affinity(r#","namespaceSelector":{}"#)
        ),
        expect![[r#"
            a: 
            b: 
            c: 
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => a
        "#]],
    );
    // Neither: p's own namespace (default), zone z2.
    filter(
        &format!("{pods}pod p l:app=web {}", affinity("")),
        expect![[r#"
            a: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            b: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            c: 
            d: ✗ InterPodAffinity: node(s) didn't match pod affinity rules
            => c
        "#]],
    );
}
