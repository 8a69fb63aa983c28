//! Snapshot tests of access control in the console: ServiceAccounts, Roles and bindings made
//! with kubectl's generators and printed with its printers, `kubectl auth can-i` and `whoami`,
//! and `--as` on other verbs refused as the API server refuses. Same form as `console.rs`.

mod common;

use expect_test::{expect, Expect};

fn check(script: &str, want: Expect) {
    want.assert_eq(&common::render(&common::session().run(script)));
}

/// The Role and ClusterRole generators resolve resources through discovery, so real kubectl
/// needs a server for them and the fixtures cannot hold their YAML: it is checked here.
#[test]
fn role_generators() {
    check(
        "kubectl create role pod-reader --verb=get --verb=list --resource=pods --dry-run=client -o yaml
kubectl create role cm-editor --verb=get,update --resource=configmaps,deploy,pods/log,rs.apps --resource-name=settings --dry-run=client -o yaml
kubectl create clusterrole node-reader --verb=get,list,watch --resource=nodes --non-resource-url=/metrics -o json --dry-run=client
kubectl create role r --verb=fly --resource=pods --dry-run=client -o yaml
kubectl create role r --verb=get --resource=widgets
kubectl create role r --verb=get --resource=pods --non-resource-url=/healthz",
        expect![[r#"
            $ kubectl create role pod-reader --verb=get --verb=list --resource=pods --dry-run=client -o yaml
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: pod-reader
            rules:
            - apiGroups:
              - ""
              resources:
              - pods
              verbs:
              - get
              - list
            $ kubectl create role cm-editor --verb=get,update --resource=configmaps,deploy,pods/log,rs.apps --resource-name=settings --dry-run=client -o yaml
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: cm-editor
            rules:
            - apiGroups:
              - ""
              resourceNames:
              - settings
              resources:
              - configmaps
              - pods/log
              verbs:
              - get
              - update
            - apiGroups:
              - apps
              resourceNames:
              - settings
              resources:
              - deployments
              - replicasets
              verbs:
              - get
              - update
            $ kubectl create clusterrole node-reader --verb=get,list,watch --resource=nodes --non-resource-url=/metrics -o json --dry-run=client
            {
                "kind": "ClusterRole",
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": {
                    "name": "node-reader"
                },
                "rules": [
                    {
                        "verbs": [
                            "get",
                            "list",
                            "watch"
                        ],
                        "apiGroups": [
                            ""
                        ],
                        "resources": [
                            "nodes"
                        ]
                    },
                    {
                        "verbs": [
                            "get",
                            "list",
                            "watch"
                        ],
                        "nonResourceURLs": [
                            "/metrics"
                        ]
                    }
                ]
            }
            $ kubectl create role r --verb=fly --resource=pods --dry-run=client -o yaml
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: r
            rules:
            - apiGroups:
              - ""
              resources:
              - pods
              verbs:
              - fly
            ! Warning: 'fly' is not a standard resource verb
            $ kubectl create role r --verb=get --resource=widgets
            ! error: the server doesn't have a resource type "widgets"
            [exit 1]
            $ kubectl create role r --verb=get --resource=pods --non-resource-url=/healthz
            ! error: unknown flag: --non-resource-url
            ! See 'kubectl create role --help' for usage.
            [exit 1]
        "#]],
    );
}

#[test]
fn service_accounts_roles_and_bindings() {
    check(
        "kubectl get sa
kubectl create namespace dev
kubectl get serviceaccounts -n dev
kubectl create sa robot -n dev
kubectl create role pod-reader --verb=get,list --resource=pods,pods/log -n dev
kubectl create rolebinding read-pods --role=pod-reader --serviceaccount=dev:robot --user=jane -n dev
kubectl get roles,rolebindings -n dev
kubectl get rolebinding -n dev -o wide
kubectl describe role pod-reader -n dev
kubectl describe rolebinding read-pods -n dev
kubectl describe sa robot -n dev
kubectl get clusterrolebindings
kubectl describe clusterrolebinding cluster-admin
kubectl delete rolebinding read-pods -n dev
kubectl delete sa default -n dev
kubectl get sa -n dev
kubectl run web --image=nginx --overrides='{\"spec\":{\"serviceAccountName\":\"builder\"}}'
kubectl create token robot -n dev --duration=1m
kubectl create token nobody",
        expect![[r#"
            $ kubectl get sa
            NAME      SECRETS   AGE
            default   0         1s
            $ kubectl create namespace dev
            namespace/dev created
            $ kubectl get serviceaccounts -n dev
            NAME      SECRETS   AGE
            default   0         0s
            $ kubectl create sa robot -n dev
            serviceaccount/robot created
            $ kubectl create role pod-reader --verb=get,list --resource=pods,pods/log -n dev
            role.rbac.authorization.k8s.io/pod-reader created
            $ kubectl create rolebinding read-pods --role=pod-reader --serviceaccount=dev:robot --user=jane -n dev
            rolebinding.rbac.authorization.k8s.io/read-pods created
            $ kubectl get roles,rolebindings -n dev
            NAME                                        CREATED AT
            role.rbac.authorization.k8s.io/pod-reader   2026-01-01T00:00:01Z

            NAME                                              ROLE              AGE
            rolebinding.rbac.authorization.k8s.io/read-pods   Role/pod-reader   0s
            $ kubectl get rolebinding -n dev -o wide
            NAME        ROLE              AGE   USERS   GROUPS   SERVICEACCOUNTS
            read-pods   Role/pod-reader   0s    jane             dev:robot
            $ kubectl describe role pod-reader -n dev
            Name:         pod-reader
            Labels:       <none>
            Annotations:  <none>
            PolicyRule:
              Resources  Non-Resource URLs  Resource Names  Verbs
              ---------  -----------------  --------------  -----
              pods/log   []                 []              [get list]
              pods       []                 []              [get list]
            $ kubectl describe rolebinding read-pods -n dev
            Name:         read-pods
            Labels:       <none>
            Annotations:  <none>
            Role:
              Kind:  Role
              Name:  pod-reader
            Subjects:
              Kind            Name   Namespace
              ----            ----   ---------
              User            jane   
              ServiceAccount  robot  dev
            $ kubectl describe sa robot -n dev
            Name:                robot
            Namespace:           dev
            Labels:              <none>
            Annotations:         <none>
            Image pull secrets:  <none>
            Mountable secrets:   <none>
            Tokens:              <none>
            Events:              <none>
            $ kubectl get clusterrolebindings
            NAME                        ROLE                                    AGE
            cluster-admin               ClusterRole/cluster-admin               1s
            system:basic-user           ClusterRole/system:basic-user           1s
            system:discovery            ClusterRole/system:discovery            1s
            system:public-info-viewer   ClusterRole/system:public-info-viewer   1s
            $ kubectl describe clusterrolebinding cluster-admin
            Name:         cluster-admin
            Labels:       kubernetes.io/bootstrapping=rbac-defaults
            Annotations:  rbac.authorization.kubernetes.io/autoupdate: true
            Role:
              Kind:  ClusterRole
              Name:  cluster-admin
            Subjects:
              Kind   Name            Namespace
              ----   ----            ---------
              Group  system:masters  
            $ kubectl delete rolebinding read-pods -n dev
            rolebinding.rbac.authorization.k8s.io "read-pods" deleted from dev namespace
            $ kubectl delete sa default -n dev
            serviceaccount "default" deleted from dev namespace
            $ kubectl get sa -n dev
            NAME      SECRETS   AGE
            default   0         0s
            robot     0         0s
            $ kubectl run web --image=nginx --overrides='{"spec":{"serviceAccountName":"builder"}}'
            ! Error from server (Forbidden): pods "web" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found
            [exit 1]
            $ kubectl create token robot -n dev --duration=1m
            ! The TokenRequest "robot" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes
            [exit 1]
            $ kubectl create token nobody
            ! Error from server (NotFound): serviceaccounts "nobody" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn auth_can_i_and_whoami() {
    check(
        "kubectl create sa robot
kubectl create role pod-reader --verb=get,list --resource=pods
kubectl create rolebinding read-pods --role=pod-reader --serviceaccount=default:robot
kubectl auth can-i list pods --as system:serviceaccount:default:robot
kubectl auth can-i delete pods --as system:serviceaccount:default:robot
kubectl auth can-i list pods -n kube-system --as system:serviceaccount:default:robot
kubectl auth can-i get pods/web --as=system:serviceaccount:default:robot
kubectl auth can-i list pods --as jane --as-group system:serviceaccounts:default
kubectl auth can-i get nodes -n default
kubectl auth can-i fly pods -q
kubectl auth can-i get /healthz --as jane
kubectl auth can-i --list --as system:serviceaccount:default:robot
kubectl auth can-i
kubectl auth whoami
kubectl auth whoami --as system:serviceaccount:default:robot -o yaml
kubectl auth whoami --as-group ops",
        expect![[r#"
            $ kubectl create sa robot
            serviceaccount/robot created
            $ kubectl create role pod-reader --verb=get,list --resource=pods
            role.rbac.authorization.k8s.io/pod-reader created
            $ kubectl create rolebinding read-pods --role=pod-reader --serviceaccount=default:robot
            rolebinding.rbac.authorization.k8s.io/read-pods created
            $ kubectl auth can-i list pods --as system:serviceaccount:default:robot
            yes
            $ kubectl auth can-i delete pods --as system:serviceaccount:default:robot
            no
            [exit 1]
            $ kubectl auth can-i list pods -n kube-system --as system:serviceaccount:default:robot
            no
            [exit 1]
            $ kubectl auth can-i get pods/web --as=system:serviceaccount:default:robot
            yes
            $ kubectl auth can-i list pods --as jane --as-group system:serviceaccounts:default
            no
            [exit 1]
            $ kubectl auth can-i get nodes -n default
            yes
            ! Warning: resource 'nodes' is not namespace scoped
            $ kubectl auth can-i fly pods -q
            ! Warning: verb 'fly' is not a known verb
            $ kubectl auth can-i get /healthz --as jane
            yes
            $ kubectl auth can-i --list --as system:serviceaccount:default:robot
            Resources                                       Non-Resource URLs   Resource Names   Verbs
            selfsubjectreviews.authentication.k8s.io        []                  []               [create]
            selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
            selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]
            pods                                            []                  []               [get list]
                                                            [/api/*]            []               [get]
                                                            [/api]              []               [get]
                                                            [/apis/*]           []               [get]
                                                            [/apis]             []               [get]
                                                            [/healthz]          []               [get]
                                                            [/healthz]          []               [get]
                                                            [/livez]            []               [get]
                                                            [/livez]            []               [get]
                                                            [/openapi/*]        []               [get]
                                                            [/openapi]          []               [get]
                                                            [/readyz]           []               [get]
                                                            [/readyz]           []               [get]
                                                            [/version/]         []               [get]
                                                            [/version/]         []               [get]
                                                            [/version]          []               [get]
                                                            [/version]          []               [get]
            $ kubectl auth can-i
            ! error: you must specify two arguments: verb resource or verb resource/resourceName.
            ! See 'kubectl auth can-i -h' for help and examples
            [exit 1]
            $ kubectl auth whoami
            ATTRIBUTE   VALUE
            Username    kubernetes-admin
            Groups      [system:masters system:authenticated]
            $ kubectl auth whoami --as system:serviceaccount:default:robot -o yaml
            apiVersion: authentication.k8s.io/v1
            kind: SelfSubjectReview
            metadata: {}
            status:
              userInfo:
                groups:
                - system:serviceaccounts
                - system:serviceaccounts:default
                - system:authenticated
                username: system:serviceaccount:default:robot
            $ kubectl auth whoami --as-group ops
            ! error: requesting uid, groups or user-extra for  without impersonating a user
            [exit 1]
        "#]],
    );
}

#[test]
fn impersonated_requests_are_authorized() {
    check(
        "kubectl create deployment web --image=nginx:1.10
kubectl get pods --as jane
kubectl get deployment web --as jane
kubectl get nodes --as jane
kubectl get pods -A --as jane
kubectl create configmap c --from-literal=a=b --as jane
kubectl delete deployment web --as jane
kubectl scale deployment web --replicas=3 --as jane
kubectl create clusterrolebinding jane-view --clusterrole=view --user=jane
kubectl get deployments --as jane
kubectl scale deployment web --replicas=3 --as jane
kubectl create rolebinding jane-edit --clusterrole=edit --user=jane
kubectl scale deployment web --replicas=3 --as jane
kubectl get deployment web
kubectl delete clusterrolebinding jane-view --as jane",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.10
            deployment.apps/web created
            $ kubectl get pods --as jane
            ! Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"
            [exit 1]
            $ kubectl get deployment web --as jane
            ! Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "default"
            [exit 1]
            $ kubectl get nodes --as jane
            ! Error from server (Forbidden): nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope
            [exit 1]
            $ kubectl get pods -A --as jane
            ! Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope
            [exit 1]
            $ kubectl create configmap c --from-literal=a=b --as jane
            ! error: failed to create configmap: configmaps is forbidden: User "jane" cannot create resource "configmaps" in API group "" in the namespace "default"
            [exit 1]
            $ kubectl delete deployment web --as jane
            ! Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot delete resource "deployments" in API group "apps" in the namespace "default"
            [exit 1]
            $ kubectl scale deployment web --replicas=3 --as jane
            ! Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "default"
            [exit 1]
            $ kubectl create clusterrolebinding jane-view --clusterrole=view --user=jane
            clusterrolebinding.rbac.authorization.k8s.io/jane-view created
            $ kubectl get deployments --as jane
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            web    0/1     0            0           0s
            $ kubectl scale deployment web --replicas=3 --as jane
            ! Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"
            [exit 1]
            $ kubectl create rolebinding jane-edit --clusterrole=edit --user=jane
            rolebinding.rbac.authorization.k8s.io/jane-edit created
            $ kubectl scale deployment web --replicas=3 --as jane
            deployment.apps/web scaled
            $ kubectl get deployment web
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            web    0/3     0            0           0s
            $ kubectl delete clusterrolebinding jane-view --as jane
            ! Error from server (Forbidden): clusterrolebindings.rbac.authorization.k8s.io "jane-view" is forbidden: User "jane" cannot delete resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope
            [exit 1]
        "#]],
    );
}

#[test]
fn explain_and_immutable_role_ref() {
    check(
        "kubectl explain clusterrolebinding.roleRef
kubectl create rolebinding rb --role=r --user=jane
kubectl apply -f - <<'Y'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
Y
kubectl create clusterrolebinding b --clusterrole=view --serviceaccount=robot
kubectl create rolebinding b2 --role=r --clusterrole=view --user=x",
        expect![[r#"
            $ kubectl explain clusterrolebinding.roleRef
            KIND:       ClusterRoleBinding
            GROUP:      rbac.authorization.k8s.io
            VERSION:    v1

            FIELD: roleRef <RoleRef -required->

            DESCRIPTION:
                RoleRef can only reference a ClusterRole in the global namespace. If the
                RoleRef cannot be resolved, the Authorizer must return an error. This field
                is immutable.


            $ kubectl create rolebinding rb --role=r --user=jane
            rolebinding.rbac.authorization.k8s.io/rb created
            $ kubectl apply -f - <<'Y'
            ! The RoleBinding "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef
            [exit 1]
            $ kubectl create clusterrolebinding b --clusterrole=view --serviceaccount=robot
            ! error: serviceaccount must be <namespace>:<name>
            [exit 1]
            $ kubectl create rolebinding b2 --role=r --clusterrole=view --user=x
            ! error: exactly one of clusterrole or role must be specified
            [exit 1]
        "#]],
    );
}
