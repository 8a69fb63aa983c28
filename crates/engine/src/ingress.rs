//! A simulated ingress controller (ingress-nginx): it serves every Ingress whose IngressClass
//! names the controller `k8s.io/ingress-nginx`, writes the address it listens on into their
//! `status.loadBalancer`, and routes a request by host and path to a Service of the Ingress's
//! namespace. With no such IngressClass there is no controller, and Ingresses stay without an
//! address, as in a cluster where none is installed.
//!
//! The DefaultIngressClass admission plugin lives here too: an Ingress created without
//! `ingressClassName` gets the class marked `ingressclass.kubernetes.io/is-default-class`.

use kubeplay_api::ingress::{
    host_matches, path_matches, Ingress, IngressBackend, IngressClass, IngressLoadBalancerIngress,
    DEFAULT_CLASS_ANNOTATION, NGINX_CONTROLLER,
};
use kubeplay_api::{Kind, Object};

use crate::Cluster;

/// Where the controller sends a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IngressRoute {
    /// A Service of the Ingress's namespace, on a Service port (a named port resolved).
    Backend {
        namespace: String,
        service: String,
        port: i32,
    },
    /// No rule and no default backend: ingress-nginx's own 404 page.
    NotFound,
    /// The backend Service or its port does not exist: ingress-nginx answers 503.
    Unavailable,
}

impl Cluster {
    fn ingress_classes(&self) -> impl Iterator<Item = &IngressClass> + '_ {
        self.store
            .list(Kind::IngressClass, None)
            .filter_map(|o| match o {
                Object::IngressClass(c) => Some(c),
                _ => None,
            })
    }

    /// DefaultIngressClass admission: the newest class marked default (then by name).
    pub(crate) fn admit_ingress_class(&self, ing: &mut Ingress) {
        if ing.spec.ingress_class_name.is_some() {
            return;
        }
        let default = self
            .ingress_classes()
            .filter(|c| c.metadata.annotation(DEFAULT_CLASS_ANNOTATION) == Some("true"))
            .max_by(|a, b| {
                (a.metadata.creation_timestamp, &b.metadata.name)
                    .cmp(&(b.metadata.creation_timestamp, &a.metadata.name))
            });
        if let Some(c) = default {
            ing.spec.ingress_class_name = Some(c.metadata.name.clone());
        }
    }

    /// The address the simulated controller listens on: the InternalIP of the first node (by
    /// name), as ingress-nginx published through a NodePort or host network reports; `None`
    /// when no IngressClass names the controller.
    pub fn ingress_address(&self) -> Option<String> {
        self.ingress_classes()
            .find(|c| c.spec.controller == NGINX_CONTROLLER)?;
        self.store.list(Kind::Node, None).find_map(|o| match o {
            Object::Node(n) => n
                .status
                .addresses
                .iter()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone()),
            _ => None,
        })
    }

    /// The Ingresses the controller serves, oldest first (ingress-nginx's order when rules
    /// conflict), then by namespace and name.
    fn served_ingresses(&self) -> Vec<&Ingress> {
        let classes: Vec<&str> = self
            .ingress_classes()
            .filter(|c| c.spec.controller == NGINX_CONTROLLER)
            .map(|c| c.metadata.name.as_str())
            .collect();
        let mut v: Vec<&Ingress> = self
            .store
            .list(Kind::Ingress, None)
            .filter_map(|o| match o {
                Object::Ingress(i)
                    if i.spec
                        .ingress_class_name
                        .as_deref()
                        .is_some_and(|c| classes.contains(&c)) =>
                {
                    Some(i)
                }
                _ => None,
            })
            .collect();
        v.sort_by_key(|i| i.metadata.creation_timestamp);
        v
    }

    /// The controller's sync: each served Ingress gets the controller's address; an Ingress it
    /// no longer serves loses it.
    pub(crate) fn sync_ingresses(&mut self) {
        let addr = self.ingress_address();
        let served: Vec<(String, String)> = self
            .served_ingresses()
            .iter()
            .map(|i| (i.metadata.namespace.clone(), i.metadata.name.clone()))
            .collect();
        let all: Vec<Ingress> = self
            .store
            .list(Kind::Ingress, None)
            .filter_map(|o| match o {
                Object::Ingress(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        for mut ing in all {
            let key = (ing.metadata.namespace.clone(), ing.metadata.name.clone());
            let want: Vec<IngressLoadBalancerIngress> = match &addr {
                Some(ip) if served.contains(&key) => vec![IngressLoadBalancerIngress {
                    ip: ip.clone(),
                    hostname: String::new(),
                }],
                _ => Vec::new(),
            };
            if ing.status.load_balancer.ingress != want {
                ing.status.load_balancer.ingress = want;
                let now = self.now;
                self.store.put(Object::Ingress(ing), now);
            }
        }
    }

    /// Whether a request to `host` (a name or an address) reaches the ingress controller: its
    /// address, or a host name a served Ingress's rule names (the playground's resolver points
    /// such names at the controller).
    pub fn ingress_serves(&self, host: &str) -> bool {
        let Some(addr) = self.ingress_address() else {
            return false;
        };
        host == addr
            || self.served_ingresses().iter().any(|i| {
                i.spec
                    .rules
                    .iter()
                    .any(|r| !r.host.is_empty() && host_matches(&r.host, host))
            })
    }

    /// Where the controller sends `GET path` with `Host: host`. Rules whose host equals the
    /// request's win over wildcard rules, which win over rules without a host; among the
    /// matching paths the longest wins, Exact before Prefix. With no match, the first
    /// default backend of a served Ingress, else ingress-nginx's 404.
    pub fn ingress_route(&self, host: &str, path: &str) -> IngressRoute {
        let served = self.served_ingresses();
        let path = path.split(['?', '#']).next().unwrap_or("/");
        let path = if path.is_empty() { "/" } else { path };
        let tiers: [&dyn Fn(&str) -> bool; 3] = [
            &|h: &str| h == host,
            &|h: &str| h.starts_with("*.") && host_matches(h, host),
            &|h: &str| h.is_empty(),
        ];
        for tier in tiers {
            let mut best: Option<(&Ingress, &IngressBackend, usize, bool)> = None;
            let mut any_rule = false;
            for ing in &served {
                for rule in ing.spec.rules.iter().filter(|r| tier(&r.host)) {
                    any_rule = true;
                    for p in rule.http.iter().flat_map(|h| &h.paths) {
                        if !path_matches(&p.path_type, &p.path, path) {
                            continue;
                        }
                        let len = p.path.trim_end_matches('/').len();
                        let exact = p.path_type == "Exact";
                        let better = match best {
                            None => true,
                            Some((_, _, l, e)) => len > l || (len == l && exact && !e),
                        };
                        if better {
                            best = Some((ing, &p.backend, len, exact));
                        }
                    }
                }
            }
            if let Some((ing, backend, _, _)) = best {
                return self.backend_route(ing, backend);
            }
            if any_rule {
                break;
            }
        }
        match served
            .iter()
            .find_map(|i| i.spec.default_backend.as_ref().map(|b| (*i, b)))
        {
            Some((ing, b)) => self.backend_route(ing, b),
            None => IngressRoute::NotFound,
        }
    }

    fn backend_route(&self, ing: &Ingress, backend: &IngressBackend) -> IngressRoute {
        let Some(svc_ref) = &backend.service else {
            return IngressRoute::Unavailable;
        };
        let ns = &ing.metadata.namespace;
        let Ok(Object::Service(svc)) = self.get(Kind::Service, ns, &svc_ref.name) else {
            return IngressRoute::Unavailable;
        };
        let port = svc.spec.ports.iter().find(|p| match svc_ref.port.number {
            Some(n) => p.port == n,
            None => p.name == svc_ref.port.name,
        });
        match port {
            Some(p) => IngressRoute::Backend {
                namespace: ns.clone(),
                service: svc.metadata.name.clone(),
                port: p.port,
            },
            None => IngressRoute::Unavailable,
        }
    }
}
