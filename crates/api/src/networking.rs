//! `networking.k8s.io/v1` NetworkPolicy: which pods may talk to which, by labels, namespaces,
//! address blocks and ports.

use serde::{Deserialize, Serialize};

use crate::meta::{IntOrString, LabelSelector, ObjectMeta};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicy {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NetworkPolicySpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicySpec {
    /// The pods the policy applies to (`{}`: every pod in the namespace). Always printed.
    #[serde(default)]
    pub pod_selector: LabelSelector,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<IngressRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<EgressRule>,
    /// `Ingress`, `Egress`; defaulted from the rules present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_types: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressRule {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<Peer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PolicyPort>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EgressRule {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Peer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PolicyPort>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_block: Option<IpBlock>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpBlock {
    pub cidr: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyPort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_port: Option<i32>,
}

impl NetworkPolicy {
    pub fn applies_to_ingress(&self) -> bool {
        self.spec.policy_types.iter().any(|t| t == "Ingress")
    }
    pub fn applies_to_egress(&self) -> bool {
        self.spec.policy_types.iter().any(|t| t == "Egress")
    }
}

/// An IPv4 address in a CIDR block (`10.244.0.0/16`); false for anything unparsable.
pub fn ipv4_in_cidr(ip: &str, cidr: &str) -> bool {
    let parse = |s: &str| -> Option<u32> {
        let mut n: u32 = 0;
        let mut parts = 0;
        for p in s.split('.') {
            n = n
                .checked_mul(256)?
                .checked_add(p.parse::<u8>().ok()?.into())?;
            parts += 1;
        }
        (parts == 4).then_some(n)
    };
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().unwrap_or(99)),
        None => (cidr, 32),
    };
    match (parse(ip), parse(net)) {
        (Some(a), Some(b)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            a & mask == b & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cidrs() {
        for (ip, cidr, want) in [
            ("10.244.1.5", "10.244.0.0/16", true),
            ("10.245.1.5", "10.244.0.0/16", false),
            ("192.168.0.10", "0.0.0.0/0", true),
            ("10.0.0.1", "10.0.0.1/32", true),
            ("10.0.0.1", "10.0.0.1", true),
            ("10.0.0.2", "10.0.0.1", false),
            ("x", "0.0.0.0/0", false),
            ("10.0.0.1", "10.0.0.0/33", false),
        ] {
            assert_eq!(super::ipv4_in_cidr(ip, cidr), want, "{ip} in {cidr}");
        }
    }
}
