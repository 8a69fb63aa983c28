//! The simulated ingress controller: which Ingresses it serves, the address it writes, and
//! where it routes a request by host and path (a table).

mod common;

use common::*;
use expect_test::expect;
use kubeplay_api::{Kind, Object};

const CLASS: &str = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  annotations:\n    ingressclass.kubernetes.io/is-default-class: \"true\"\nspec:\n  controller: k8s.io/ingress-nginx\n";

fn service(name: &str, port: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: {port}\n---\n")
}

const INGRESSES: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              name: http
      - path: /api/v1/status
        pathType: Exact
        backend:
          service:
            name: web
            port:
              number: 80
  - host: '*.example.com'
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 8080
  - http:
      paths:
      - path: /static
        pathType: ImplementationSpecific
        backend:
          service:
            name: web
            port:
              number: 80
      - path: /gone
        pathType: Prefix
        backend:
          service:
            name: missing
            port:
              number: 80
";

#[test]
fn ingress_controller_routes_by_host_and_path() {
    let mut c = cluster(1, 5);
    apply_yaml(&mut c, &(service("web", "80") + &service("api", "8080")));
    apply_yaml(&mut c, INGRESSES);
    c.advance(1_000);
    let addr = |c: &kubeplay_engine::Cluster| match c.get(Kind::Ingress, "default", "shop") {
        Ok(Object::Ingress(i)) => format!(
            "class={:?} address={:?}",
            i.spec.ingress_class_name,
            i.status.load_balancer.ingress.first().map(|l| l.ip.clone())
        ),
        _ => String::new(),
    };
    // No IngressClass yet: no controller, no address.
    let mut out = vec![
        addr(&c),
        format!("serves: {}", c.ingress_serves("shop.example.com")),
    ];
    apply_yaml(&mut c, CLASS);
    c.delete(Kind::Ingress, "default", "shop", None).unwrap();
    apply_yaml(&mut c, INGRESSES);
    c.advance(1_000);
    out.push(addr(&c));
    out.push(format!(
        "serves: {} {}",
        c.ingress_serves("shop.example.com"),
        c.ingress_serves("other.org")
    ));
    for (host, path) in [
        ("shop.example.com", "/"),
        ("shop.example.com", "/cart/items"),
        ("shop.example.com", "/api"),
        ("shop.example.com", "/api/v1"),
        ("shop.example.com", "/apiary"),
        ("shop.example.com", "/api/v1/status"),
        ("shop.example.com", "/api/v1/status/x"),
        ("m.example.com", "/anything"),
        ("a.b.example.com", "/static/x"),
        ("10.0.0.1", "/static"),
        ("10.0.0.1", "/staticfiles"),
        ("10.0.0.1", "/gone"),
        ("10.0.0.1", "/"),
    ] {
        out.push(format!("{host}{path} -> {:?}", c.ingress_route(host, path)));
    }
    expect![[r#"
        class=None address=None
        serves: false
        class=Some("nginx") address=Some("172.18.0.2")
        serves: true false
        shop.example.com/ -> Backend { namespace: "default", service: "web", port: 80 }
        shop.example.com/cart/items -> Backend { namespace: "default", service: "web", port: 80 }
        shop.example.com/api -> Backend { namespace: "default", service: "api", port: 8080 }
        shop.example.com/api/v1 -> Backend { namespace: "default", service: "api", port: 8080 }
        shop.example.com/apiary -> Backend { namespace: "default", service: "web", port: 80 }
        shop.example.com/api/v1/status -> Backend { namespace: "default", service: "web", port: 80 }
        shop.example.com/api/v1/status/x -> Backend { namespace: "default", service: "api", port: 8080 }
        m.example.com/anything -> Backend { namespace: "default", service: "api", port: 8080 }
        a.b.example.com/static/x -> Backend { namespace: "default", service: "web", port: 80 }
        10.0.0.1/static -> Backend { namespace: "default", service: "web", port: 80 }
        10.0.0.1/staticfiles -> NotFound
        10.0.0.1/gone -> Unavailable
        10.0.0.1/ -> NotFound"#]].assert_eq(&out.join("\n"));
}
