//! `networking.k8s.io/v1` Ingress and IngressClass: HTTP routes by host and path to Services,
//! served by the ingress controller an IngressClass names.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::meta::{Extra, ObjectMeta};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressSpec,
    #[serde(default)]
    pub status: IngressStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_backend: Option<IngressBackend>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<IngressRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<IngressTls>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressRule {
    /// Empty: any host. `*.example.com` matches one label in place of the `*`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpIngressRuleValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpIngressRuleValue {
    #[serde(default)]
    pub paths: Vec<HttpIngressPath>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpIngressPath {
    #[serde(default)]
    pub backend: IngressBackend,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// `Exact`, `Prefix` or `ImplementationSpecific`; required.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressBackend {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<IngressServiceBackend>,
    /// A TypedLocalObjectReference, kept as written (not routed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressServiceBackend {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub port: ServiceBackendPort,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceBackendPort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressTls {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub secret_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressStatus {
    /// Always printed, as `loadBalancer: {}` when empty.
    #[serde(default)]
    pub load_balancer: IngressLoadBalancerStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressLoadBalancerStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<IngressLoadBalancerIngress>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressLoadBalancerIngress {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hostname: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClass {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressClassSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassSpec {
    /// The controller that serves the class: `k8s.io/ingress-nginx` is the one simulated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub controller: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The annotation that makes an IngressClass the default for Ingresses that name none.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// The ingress controller the playground simulates.
pub const NGINX_CONTROLLER: &str = "k8s.io/ingress-nginx";

impl IngressBackend {
    /// `svc:80`, `svc:http`, or the resource's kind and name.
    pub fn describe(&self) -> String {
        match &self.service {
            Some(s) => match s.port.number {
                Some(n) => format!("{}:{n}", s.name),
                None => format!("{}:{}", s.name, s.port.name),
            },
            None => self
                .resource
                .as_ref()
                .map(|r| {
                    format!(
                        "{}/{}",
                        r.get("kind").and_then(Value::as_str).unwrap_or(""),
                        r.get("name").and_then(Value::as_str).unwrap_or("")
                    )
                })
                .unwrap_or_default(),
        }
    }
}

/// Whether an Ingress path `path` of `path_type` matches the request path `request`, as the
/// Ingress API defines it: Exact is equality; Prefix (and ImplementationSpecific, which
/// ingress-nginx treats as a prefix) compares `/`-separated elements, so `/foo` matches `/foo`,
/// `/foo/` and `/foo/bar` but not `/foobar`, and a trailing `/` on either side is ignored.
pub fn path_matches(path_type: &str, path: &str, request: &str) -> bool {
    let path = if path.is_empty() { "/" } else { path };
    if path_type == "Exact" {
        return path == request;
    }
    let elements = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect()
    };
    let want = elements(path);
    let got = elements(request);
    want.len() <= got.len() && want.iter().zip(&got).all(|(a, b)| a == b)
}

/// Whether a rule's `host` matches the request's host: equal, or a `*.` wildcard standing for
/// exactly one label; an empty rule host matches any.
pub fn host_matches(rule_host: &str, host: &str) -> bool {
    if rule_host.is_empty() {
        return true;
    }
    match rule_host.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
        None => rule_host == host,
    }
}

#[cfg(test)]
mod tests {
    use super::{host_matches, path_matches};

    /// The examples table of the Ingress documentation ("Examples" under "Path types"), row
    /// for row, plus ImplementationSpecific read as Prefix.
    #[test]
    fn path_matching_table() {
        let rows = [
            ("Prefix", "/", "/anything/at/all", true),
            ("Exact", "/foo", "/foo", true),
            ("Exact", "/foo", "/bar", false),
            ("Exact", "/foo", "/foo/", false),
            ("Exact", "/foo/", "/foo", false),
            ("Prefix", "/foo", "/foo", true),
            ("Prefix", "/foo", "/foo/", true),
            ("Prefix", "/foo/", "/foo", true),
            ("Prefix", "/foo/", "/foo/", true),
            ("Prefix", "/aaa/bb", "/aaa/bbb", false),
            ("Prefix", "/aaa/bbb", "/aaa/bbb", true),
            ("Prefix", "/aaa/bbb/", "/aaa/bbb", true),
            ("Prefix", "/aaa/bbb", "/aaa/bbb/", true),
            ("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", true),
            ("Prefix", "/aaa/bbb", "/aaa/bbbxyz", false),
            ("Prefix", "/aaa", "/ccc", false),
            ("ImplementationSpecific", "/aaa", "/aaa/ccc", true),
            ("ImplementationSpecific", "", "/x", true),
        ];
        for (t, path, request, want) in rows {
            assert_eq!(path_matches(t, path, request), want, "{t} {path} {request}");
        }
    }

    #[test]
    fn host_matching() {
        let rows = [
            ("", "foo.bar.com", true),
            ("foo.bar.com", "foo.bar.com", true),
            ("foo.bar.com", "bar.com", false),
            ("*.foo.com", "bar.foo.com", true),
            ("*.foo.com", "baz.bar.foo.com", false),
            ("*.foo.com", "foo.com", false),
        ];
        for (rule, host, want) in rows {
            assert_eq!(host_matches(rule, host), want, "{rule} {host}");
        }
    }
}
