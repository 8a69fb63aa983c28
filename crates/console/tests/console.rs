//! Snapshot tests of the console: each case is a script run on the default scenario, and the
//! snapshot shows every command with its output (`! ` marks standard error, `[exit N]` a
//! failure), as a user would see them.

use expect_test::{expect, Expect};

mod common;

use common::{render, session};

fn check(script: &str, want: Expect) {
    let mut s = session();
    want.assert_eq(&render(&s.run(script)));
}

#[test]
fn shell_basics() {
    check(
        "\n# nothing but a comment\nfoo bar\necho 'unbalanced\n",
        expect![[r#"
            $ foo bar
            ! foo: command not found
            [exit 127]
            $ echo 'unbalanced
            ! unexpected EOF while looking for matching `''
            [exit 2]
        "#]],
    );
    check(
        "echo one; false_cmd && echo two || echo three",
        expect![[r#"
        $ echo one
        one
        $ false_cmd
        ! false_cmd: command not found
        [exit 127]
        $ echo three
        three
    "#]],
    );
    check(
        "help",
        expect![[r#"
            $ help
            kubeplay console: kubectl, and a few playground commands.

            Kubernetes
              kubectl COMMAND ...               the Kubernetes CLI (try: kubectl help, kubectl get --help)

            Playground
              sleep DURATION                    let simulated time pass (5s, 2m, 1h30m)
              traffic svc/NAME --rps N          send N requests per second to a Service
              traffic ing/NAME --rps N [--host H] [--path P]
                                                ... to the Service an Ingress routes H and P to
              traffic status [svc/NAME]         requests answered and failed since traffic was started
              traffic stop                      stop all traffic
              node add NAME --cpu N --memory Q [--zone Z] [--label k=v]...
                                                add a simulated machine
              node fail NAME                    the machine stops: its kubelet no longer reports
              node restore NAME                 the machine comes back
              help                              this list

            Shell
              Words are quoted as in a POSIX shell; # starts a comment; a | b, a; b, a && b, a || b, ! a;
              variables (X=v, $X, ${X:-default}, export) that last for the session; $(...), $((1+2));
              if/elif/else/fi, for/while/until loops, [ ... ], test, [[ ... ]], exit N, set -e;
              > FILE, >> FILE, < FILE, 2>/dev/null, 2>&1; here-documents (<<EOF ... EOF, <<'EOF');
              echo, printf, cat, grep, wc, head, tail, sort, uniq, cut, tr, seq, base64, xargs, awk,
              and jq. Waiting commands inside if, loops or $(...) run on the simulated clock.
        "#]],
    );
}

#[test]
fn kubectl_root_errors() {
    check(
        "kubectl foo\nkubectl -o yaml\nkubectl attach -it x",
        expect![[r#"
            $ kubectl foo
            ! error: unknown command "foo" for "kubectl"
            ! 
            ! Did you mean this?
            ! 	top
            [exit 1]
            $ kubectl -o yaml
            ! error: unknown shorthand flag: 'o' in -o
            ! See 'kubectl --help' for usage.
            [exit 1]
            $ kubectl attach -it x
            ! error: "kubectl attach" is not available in the playground (it has no containers, files or kubeconfig to act on)
            [exit 1]
        "#]],
    );
}

#[test]
fn global_flags_before_the_command() {
    // kubectl reads a global flag anywhere: before the verb, or between a verb and its
    // subcommand; the flag's value is never taken for a command's name.
    check(
        "kubectl create namespace apps\nkubectl -n apps create configmap settings --from-literal=mode=fast\nkubectl --namespace=apps get configmap settings -o jsonpath='{.data.mode}{\"\\n\"}'\nkubectl -n apps create deployment web --image=nginx:1.25\nkubectl -n apps rollout status deploy/web\nkubectl rollout -n apps history deployment/web\nkubectl apply -f https://k8s.io/examples/application/deployment.yaml",
        expect![[r#"
            $ kubectl create namespace apps
            namespace/apps created
            $ kubectl -n apps create configmap settings --from-literal=mode=fast
            configmap/settings created
            $ kubectl --namespace=apps get configmap settings -o jsonpath='{.data.mode}{"\n"}'
            fast
            $ kubectl -n apps create deployment web --image=nginx:1.25
            deployment.apps/web created
            $ kubectl -n apps rollout status deploy/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl rollout -n apps history deployment/web
            deployment.apps/web 
            REVISION  CHANGE-CAUSE
            1         <none>

            $ kubectl apply -f https://k8s.io/examples/application/deployment.yaml
            ! error: unable to read URL "https://k8s.io/examples/application/deployment.yaml": the playground has no network; paste the manifest into the editor, or use kubectl apply -f - <<EOF
            [exit 1]
        "#]],
    );
}

#[test]
fn watch_a_type_or_one_object() {
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=2\nkubectl create deployment api --image=nginx:1.25\nkubectl get deployment web -w --request-timeout=8s\nkubectl get deployment web --watch-only --request-timeout=5s\nkubectl scale deployment web --replicas=1\nkubectl get deployment web --watch-only --request-timeout=3s\nkubectl get deployment nope -w --request-timeout=1s\nkubectl get deployment web api -w --request-timeout=1s",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2
            deployment.apps/web created
            $ kubectl create deployment api --image=nginx:1.25
            deployment.apps/api created
            $ kubectl get deployment web -w --request-timeout=8s
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            web    0/2     0            0           0s
            web    0/2     0            0           0s
            web    0/2     2            0           0s
            web    1/2     2            1           4s
            web    2/2     2            2           4s
            $ kubectl get deployment web --watch-only --request-timeout=5s
            $ kubectl scale deployment web --replicas=1
            deployment.apps/web scaled
            $ kubectl get deployment web --watch-only --request-timeout=3s
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            web    2/1     2            2           13s
            web    1/1     1            1           13s
            web    1/1     1            1           13s
            $ kubectl get deployment nope -w --request-timeout=1s
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 1]
            $ kubectl get deployment web api -w --request-timeout=1s
            ! error: watch is only supported on individual resources and resource collections, but a list of resources is found
            [exit 1]
        "#]],
    );
}

#[test]
fn get_nodes_and_namespaces() {
    check(
        "kubectl get nodes\nkubectl get no -o wide\nkubectl get nodes --show-labels\nkubectl get ns\nkubectl get pods\nkubectl get pods -A\nkubectl get foo\nkubectl get pod nope",
        expect![[r#"
            $ kubectl get nodes
            NAME     STATUS   ROLES    AGE   VERSION
            node-1   Ready    <none>   1s    v1.37.1
            node-2   Ready    <none>   1s    v1.37.1
            node-3   Ready    <none>   1s    v1.37.1
            $ kubectl get no -o wide
            NAME     STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME
            node-1   Ready    <none>   1s    v1.37.1   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-kubeplay   containerd://2.1.0
            node-2   Ready    <none>   1s    v1.37.1   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-kubeplay   containerd://2.1.0
            node-3   Ready    <none>   1s    v1.37.1   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-kubeplay   containerd://2.1.0
            $ kubectl get nodes --show-labels
            NAME     STATUS   ROLES    AGE   VERSION   LABELS
            node-1   Ready    <none>   1s    v1.37.1   beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=node-1,kubernetes.io/os=linux,topology.kubernetes.io/region=region-1,topology.kubernetes.io/zone=zone-a
            node-2   Ready    <none>   1s    v1.37.1   beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=node-2,kubernetes.io/os=linux,topology.kubernetes.io/region=region-1,topology.kubernetes.io/zone=zone-b
            node-3   Ready    <none>   1s    v1.37.1   beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=node-3,kubernetes.io/os=linux,topology.kubernetes.io/region=region-1,topology.kubernetes.io/zone=zone-c
            $ kubectl get ns
            NAME              STATUS   AGE
            default           Active   1s
            kube-node-lease   Active   1s
            kube-public       Active   1s
            kube-system       Active   1s
            $ kubectl get pods
            ! No resources found in default namespace.
            $ kubectl get pods -A
            ! No resources found
            $ kubectl get foo
            ! error: the server doesn't have a resource type "foo"
            [exit 1]
            $ kubectl get pod nope
            ! Error from server (NotFound): pods "nope" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn deployment_lifecycle() {
    check(
        "kubectl create deployment nginx --image=nginx:1.10 --replicas=3
kubectl create deployment nginx --image=nginx:1.10
kubectl rollout status deployment/nginx
kubectl get deployments
kubectl get rs
kubectl get pods -l app=nginx -o name
kubectl set image deployment/nginx nginx=nginx:1.11
kubectl set image deployment/nginx web=nginx:1.11
kubectl rollout status deploy nginx --timeout=2m
kubectl rollout history deployment/nginx
kubectl rollout history deployment/nginx --revision=2
kubectl rollout undo deployment/nginx
kubectl rollout undo deployment/nginx --to-revision=9
kubectl rollout status deployment/nginx
kubectl get deploy nginx -o jsonpath='{.spec.template.spec.containers[0].image}{\"\\n\"}'
kubectl scale deployment nginx --replicas=1
kubectl rollout pause deployment/nginx
kubectl rollout pause deployment/nginx
kubectl rollout restart deployment/nginx
kubectl rollout resume deployment/nginx
kubectl rollout restart deployment/nginx
kubectl wait --for=condition=Available deployment/nginx --timeout=60s
kubectl delete deployment nginx
kubectl get deployment nginx",
        expect![[r#"
            $ kubectl create deployment nginx --image=nginx:1.10 --replicas=3
            deployment.apps/nginx created
            $ kubectl create deployment nginx --image=nginx:1.10
            ! error: failed to create deployment: deployments.apps "nginx" already exists
            [exit 1]
            $ kubectl rollout status deployment/nginx
            Waiting for deployment spec update to be observed...
            Waiting for deployment "nginx" rollout to finish: 0 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 0 of 3 updated replicas are available...
            Waiting for deployment "nginx" rollout to finish: 1 of 3 updated replicas are available...
            Waiting for deployment "nginx" rollout to finish: 2 of 3 updated replicas are available...
            deployment "nginx" successfully rolled out
            $ kubectl get deployments
            NAME    READY   UP-TO-DATE   AVAILABLE   AGE
            nginx   3/3     3            3           6s
            $ kubectl get rs
            NAME               DESIRED   CURRENT   READY   AGE
            nginx-84dc7d8bfd   3         3         3       5s
            $ kubectl get pods -l app=nginx -o name
            pod/nginx-84dc7d8bfd-7lp7x
            pod/nginx-84dc7d8bfd-pnb25
            pod/nginx-84dc7d8bfd-qdhcz
            $ kubectl set image deployment/nginx nginx=nginx:1.11
            deployment.apps/nginx image updated
            $ kubectl set image deployment/nginx web=nginx:1.11
            ! error: unable to find container named "web"
            [exit 1]
            $ kubectl rollout status deploy nginx --timeout=2m
            Waiting for deployment spec update to be observed...
            Waiting for deployment "nginx" rollout to finish: 0 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...
            Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...
            deployment "nginx" successfully rolled out
            $ kubectl rollout history deployment/nginx
            deployment.apps/nginx 
            REVISION  CHANGE-CAUSE
            1         <none>
            2         <none>

            $ kubectl rollout history deployment/nginx --revision=2
            deployment.apps/nginx with revision #2
            Pod Template:
              Labels:  app=nginx
                       pod-template-hash=9d9b67599
              Containers:
               nginx:
                Image:         nginx:1.11
                Port:          <none>
                Host Port:     <none>
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>

            $ kubectl rollout undo deployment/nginx
            deployment.apps/nginx rolled back
            $ kubectl rollout undo deployment/nginx --to-revision=9
            ! error: unable to find specified revision 9 in history
            [exit 1]
            $ kubectl rollout status deployment/nginx
            Waiting for deployment spec update to be observed...
            Waiting for deployment "nginx" rollout to finish: 0 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...
            Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...
            deployment "nginx" successfully rolled out
            $ kubectl get deploy nginx -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'
            nginx:1.10
            $ kubectl scale deployment nginx --replicas=1
            deployment.apps/nginx scaled
            $ kubectl rollout pause deployment/nginx
            deployment.apps/nginx paused
            $ kubectl rollout pause deployment/nginx
            ! error: deployments.apps "nginx" is already paused
            [exit 1]
            $ kubectl rollout restart deployment/nginx
            ! error: deployments.apps "nginx" can't restart paused deployment (run rollout resume first)
            [exit 1]
            $ kubectl rollout resume deployment/nginx
            deployment.apps/nginx resumed
            $ kubectl rollout restart deployment/nginx
            deployment.apps/nginx restarted
            $ kubectl wait --for=condition=Available deployment/nginx --timeout=60s
            deployment.apps/nginx condition met
            $ kubectl delete deployment nginx
            deployment.apps "nginx" deleted from default namespace
            $ kubectl get deployment nginx
            ! Error from server (NotFound): deployments.apps "nginx" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn services_and_traffic() {
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=2 --port=80
kubectl expose deployment web --port=80 --type=NodePort
kubectl wait --for=condition=Available deploy/web
kubectl get svc
kubectl get endpoints web
traffic svc/web --rps 5
sleep 10s
traffic status
traffic status svc/web
traffic stop
traffic status
traffic status svc/web
kubectl logs deployment/web --tail=3
kubectl logs -l app=web --tail=1 --prefix
kubectl logs -l app=web --all-containers | wc -l
kubectl logs -l app=nothing
kubectl logs web -l app=web
traffic svc/nope --rps 5
kubectl create service clusterip db --tcp=5432
kubectl describe svc web",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2 --port=80
            deployment.apps/web created
            $ kubectl expose deployment web --port=80 --type=NodePort
            service/web exposed
            $ kubectl wait --for=condition=Available deploy/web
            deployment.apps/web condition met
            $ kubectl get svc
            NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE
            kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP        6s
            web          NodePort    10.96.0.2    <none>        80:30473/TCP   5s
            $ kubectl get endpoints web
            NAME   ENDPOINTS                     AGE
            web    10.244.2.4:80,10.244.3.3:80   5s
            ! Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice
            $ traffic svc/web --rps 5
            traffic: 5 requests/s to service/web
            $ sleep 10s
            $ traffic status
            SERVICE       RPS   OK    FAILED   SINCE
            default/web   5     49    1        10s
            $ traffic status svc/web
            SERVICE       RPS   OK    FAILED   SINCE
            default/web   5     49    1        10s
            $ traffic stop
            traffic stopped
            $ traffic status
            No traffic is being sent.
            $ traffic status svc/web
            ! traffic: no traffic is being sent to service/web
            [exit 1]
            $ kubectl logs deployment/web --tail=3
            10.244.0.1 - - [01/Jan/2026:00:00:15 +0000] "GET / HTTP/1.1" 200 615 "-" "kubeplay-traffic/1.0" "-"
            10.244.0.1 - - [01/Jan/2026:00:00:16 +0000] "GET / HTTP/1.1" 200 615 "-" "kubeplay-traffic/1.0" "-"
            10.244.0.1 - - [01/Jan/2026:00:00:16 +0000] "GET / HTTP/1.1" 200 615 "-" "kubeplay-traffic/1.0" "-"
            ! Found 2 pods, using pod/web-65f4dcd7fc-sdphd
            $ kubectl logs -l app=web --tail=1 --prefix
            [pod/web-65f4dcd7fc-qsq99/nginx] 10.244.0.1 - - [01/Jan/2026:00:00:16 +0000] "GET / HTTP/1.1" 200 615 "-" "kubeplay-traffic/1.0" "-"
            [pod/web-65f4dcd7fc-sdphd/nginx] 10.244.0.1 - - [01/Jan/2026:00:00:16 +0000] "GET / HTTP/1.1" 200 615 "-" "kubeplay-traffic/1.0" "-"
            $ kubectl logs -l app=web --all-containers | wc -l
            20
            $ kubectl logs -l app=nothing
            ! No resources found in default namespace.
            $ kubectl logs web -l app=web
            ! error: only a selector (-l) or a POD name is allowed
            [exit 1]
            $ traffic svc/nope --rps 5
            ! Error from server (NotFound): services "nope" not found
            [exit 1]
            $ kubectl create service clusterip db --tcp=5432
            service/db created
            $ kubectl describe svc web
            Name:                     web
            Namespace:                default
            Labels:                   app=web
            Annotations:              <none>
            Selector:                 app=web
            Type:                     NodePort
            IP Family Policy:         SingleStack
            IP Families:              IPv4
            IP:                       10.96.0.2
            IPs:                      10.96.0.2
            Port:                     <unset>  80/TCP
            TargetPort:               80/TCP
            NodePort:                 <unset>  30473/TCP
            Endpoints:                10.244.2.4:80,10.244.3.3:80
            Session Affinity:         None
            External Traffic Policy:  Cluster
            Internal Traffic Policy:  Cluster
            Events:                   <none>
        "#]],
    );
}

#[test]
fn apply_and_delete() {
    check(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  MODE: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - name: app
        image: nginx:1.25
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  MODE: demo
EOF
kubectl get cm app-config -o yaml
kubectl apply -f missing.yaml
kubectl apply -f - <<EOF
apiVersion: v1
kind: Widget
metadata:
  name: w
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: Bad_Name
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: x
        image: nginx
EOF
kubectl delete configmap app-config
kubectl delete cm app-config
kubectl delete pods -l app=app
kubectl get pods -l app=app
kubectl delete
kubectl delete pods",
        expect![[r#"
            $ kubectl apply -f - <<EOF
            configmap/app-config created
            deployment.apps/app created
            $ cat <<EOF | kubectl apply -f -
            configmap/app-config unchanged
            $ kubectl get cm app-config -o yaml
            apiVersion: v1
            data:
              MODE: demo
            kind: ConfigMap
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"v1","data":{"MODE":"demo"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"app-config","namespace":"default"}}
              creationTimestamp: "2026-01-01T00:00:01Z"
              name: app-config
              namespace: default
              resourceVersion: "25"
              uid: f5388254-2839-4d9e-a46a-deb140800f4a
            $ kubectl apply -f missing.yaml
            ! error: the path "missing.yaml" does not exist
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! error: resource mapping not found for name: "w" namespace: "" from "STDIN": no matches for kind "Widget" in version "v1"
            ! ensure CRDs are installed first
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
            [exit 1]
            $ kubectl delete configmap app-config
            configmap "app-config" deleted from default namespace
            $ kubectl delete cm app-config
            ! Error from server (NotFound): configmaps "app-config" not found
            [exit 1]
            $ kubectl delete pods -l app=app
            ! No resources found in default namespace.
            $ kubectl get pods -l app=app
            ! No resources found in default namespace.
            $ kubectl delete
            ! error: You must provide one or more resources by argument or filename.
            ! Example resource specifications include:
            !    '-f rsrc.yaml'
            !    '--filename=rsrc.json'
            !    '<resource> <name>'
            !    '<resource>'
            [exit 1]
            $ kubectl delete pods
            ! error: resource(s) were provided, but no name was specified
            [exit 1]
        "#]],
    );
}

#[test]
fn dry_run_pipes_into_apply() {
    check(
        "kubectl create configmap demo --from-literal=a=1 --dry-run=client -o yaml > demo.yaml
cat demo.yaml
kubectl apply -f demo.yaml
kubectl create secret generic db --from-literal=user=admin --dry-run=client -o yaml | kubectl apply -f -
kubectl get secrets
kubectl get secret db -o jsonpath='{.data.user}'",
        expect![[r#"
            $ kubectl create configmap demo --from-literal=a=1 --dry-run=client -o yaml > demo.yaml
            $ cat demo.yaml
            apiVersion: v1
            data:
              a: "1"
            kind: ConfigMap
            metadata:
              name: demo
            $ kubectl apply -f demo.yaml
            configmap/demo created
            $ kubectl create secret generic db --from-literal=user=admin --dry-run=client -o yaml | kubectl apply -f -
            secret/db created
            $ kubectl get secrets
            NAME   TYPE     DATA   AGE
            db     Opaque   1      0s
            $ kubectl get secret db -o jsonpath='{.data.user}'
            YWRtaW4="#]],
    );
}

#[test]
fn nodes_cordon_drain_taint_and_machines() {
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=3
kubectl rollout status deploy/web
kubectl cordon node-1
kubectl cordon node-1
kubectl drain node-1 --ignore-daemonsets
kubectl get nodes
kubectl uncordon node-1
kubectl taint nodes node-2 dedicated=db:NoSchedule
kubectl taint nodes node-2 dedicated=db:NoSchedule
kubectl taint nodes node-2 dedicated:NoSchedule-
kubectl taint nodes node-2 dedicated:NoSchedule-
kubectl taint nodes node-2 bad=x:Sometimes
node add node-4 --cpu 8 --memory 16Gi --zone zone-d
node fail node-3
sleep 60s
kubectl get nodes
node restore node-3
sleep 10s
kubectl get nodes
node fail nope
kubectl top nodes
kubectl top pods",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=3
            deployment.apps/web created
            $ kubectl rollout status deploy/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl cordon node-1
            node/node-1 cordoned
            $ kubectl cordon node-1
            node/node-1 already cordoned
            $ kubectl drain node-1 --ignore-daemonsets
            node/node-1 already cordoned
            evicting pod default/web-6df7ccfbbd-pnb25
            pod/web-6df7ccfbbd-pnb25 evicted
            node/node-1 drained
            $ kubectl get nodes
            NAME     STATUS                     ROLES    AGE   VERSION
            node-1   Ready,SchedulingDisabled   <none>   7s    v1.37.1
            node-2   Ready                      <none>   7s    v1.37.1
            node-3   Ready                      <none>   7s    v1.37.1
            $ kubectl uncordon node-1
            node/node-1 uncordoned
            $ kubectl taint nodes node-2 dedicated=db:NoSchedule
            node/node-2 tainted
            $ kubectl taint nodes node-2 dedicated=db:NoSchedule
            ! error: node node-2 already has dedicated taint(s) with same effect(s) and --overwrite is false
            [exit 1]
            $ kubectl taint nodes node-2 dedicated:NoSchedule-
            node/node-2 untainted
            $ kubectl taint nodes node-2 dedicated:NoSchedule-
            ! error: taint "dedicated:NoSchedule" not found
            [exit 1]
            $ kubectl taint nodes node-2 bad=x:Sometimes
            ! error: invalid taint effect: Sometimes, unsupported taint effect
            [exit 1]
            $ node add node-4 --cpu 8 --memory 16Gi --zone zone-d
            node/node-4 created
            $ node fail node-3
            node/node-3 failed: its kubelet stopped reporting
            $ sleep 60s
            $ kubectl get nodes
            NAME     STATUS     ROLES    AGE   VERSION
            node-1   Ready      <none>   67s   v1.37.1
            node-2   Ready      <none>   67s   v1.37.1
            node-3   NotReady   <none>   67s   v1.37.1
            node-4   Ready      <none>   60s   v1.37.1
            $ node restore node-3
            node/node-3 restored
            $ sleep 10s
            $ kubectl get nodes
            NAME     STATUS   ROLES    AGE   VERSION
            node-1   Ready    <none>   77s   v1.37.1
            node-2   Ready    <none>   77s   v1.37.1
            node-3   Ready    <none>   77s   v1.37.1
            node-4   Ready    <none>   70s   v1.37.1
            $ node fail nope
            ! Error from server (NotFound): nodes "nope" not found
            [exit 1]
            $ kubectl top nodes
            NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   
            node-1   101m         2%       604Mi           7%          
            node-2   101m         2%       604Mi           7%          
            node-3   101m         2%       604Mi           7%          
            node-4   100m         1%       600Mi           3%          
            $ kubectl top pods
            NAME                   CPU(cores)   MEMORY(bytes)   
            web-6df7ccfbbd-2qszg   1m           4Mi             
            web-6df7ccfbbd-7lp7x   1m           4Mi             
            web-6df7ccfbbd-qdhcz   1m           4Mi             
        "#]],
    );
}

#[test]
fn labels_and_annotations() {
    check(
        "kubectl run nginx --image=nginx:1.25
kubectl label pod nginx tier=web
kubectl label pod nginx tier=db
kubectl label pod nginx tier=db --overwrite
kubectl get pods --show-labels
kubectl label pod nginx tier-
kubectl annotate pod nginx note='hello world'
kubectl get pod nginx -o jsonpath='{.metadata.annotations.note}'
kubectl run nginx --image=nginx:1.25
kubectl label ns default pod-security.kubernetes.io/enforce=restricted
kubectl label ns default pod-security.kubernetes.io/enforce-
kubectl get ns default --show-labels",
        expect![[r#"
            $ kubectl run nginx --image=nginx:1.25
            pod/nginx created
            $ kubectl label pod nginx tier=web
            pod/nginx labeled
            $ kubectl label pod nginx tier=db
            ! error: 'tier' already has a value (web), and --overwrite is false
            [exit 1]
            $ kubectl label pod nginx tier=db --overwrite
            pod/nginx labeled
            $ kubectl get pods --show-labels
            NAME    READY   STATUS    RESTARTS   AGE   LABELS
            nginx   0/1     Pending   0          0s    run=nginx,tier=db
            $ kubectl label pod nginx tier-
            pod/nginx unlabeled
            $ kubectl annotate pod nginx note='hello world'
            pod/nginx annotated
            $ kubectl get pod nginx -o jsonpath='{.metadata.annotations.note}'
            hello world$ kubectl run nginx --image=nginx:1.25
            ! Error from server (AlreadyExists): pods "nginx" already exists
            [exit 1]
            $ kubectl label ns default pod-security.kubernetes.io/enforce=restricted
            namespace/default labeled
            $ kubectl label ns default pod-security.kubernetes.io/enforce-
            namespace/default unlabeled
            $ kubectl get ns default --show-labels
            NAME      STATUS   AGE   LABELS
            default   Active   1s    kubernetes.io/metadata.name=default
        "#]],
    );
}

#[test]
fn describe_objects() {
    check(
        "kubectl create deployment nginx --image=nginx:1.10 --replicas=2
kubectl rollout status deployment/nginx
kubectl describe deployment nginx
kubectl describe rs
kubectl describe node node-2
kubectl describe pod nope",
        expect![[r#"
            $ kubectl create deployment nginx --image=nginx:1.10 --replicas=2
            deployment.apps/nginx created
            $ kubectl rollout status deployment/nginx
            Waiting for deployment spec update to be observed...
            Waiting for deployment "nginx" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "nginx" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "nginx" rollout to finish: 1 of 2 updated replicas are available...
            deployment "nginx" successfully rolled out
            $ kubectl describe deployment nginx
            Name:                   nginx
            Namespace:              default
            CreationTimestamp:      Thu, 01 Jan 2026 00:00:01 +0000
            Labels:                 app=nginx
            Annotations:            deployment.kubernetes.io/revision: 1
            Selector:               app=nginx
            Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
            StrategyType:           RollingUpdate
            MinReadySeconds:        0
            RollingUpdateStrategy:  25% max unavailable, 25% max surge
            Pod Template:
              Labels:  app=nginx
              Containers:
               nginx:
                Image:         nginx:1.10
                Port:          <none>
                Host Port:     <none>
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Conditions:
              Type           Status  Reason
              ----           ------  ------
              Available      True    MinimumReplicasAvailable
              Progressing    True    NewReplicaSetAvailable
            OldReplicaSets:  <none>
            NewReplicaSet:   nginx-84dc7d8bfd (2/2 replicas created)
            Events:
              Type    Reason             Age   From                   Message
              ----    ------             ----  ----                   -------
              Normal  ScalingReplicaSet  4s    deployment-controller  Scaled up replica set nginx-84dc7d8bfd from 0 to 2
            $ kubectl describe rs
            Name:           nginx-84dc7d8bfd
            Namespace:      default
            Selector:       app=nginx,pod-template-hash=84dc7d8bfd
            Labels:         app=nginx
                            pod-template-hash=84dc7d8bfd
            Annotations:    deployment.kubernetes.io/desired-replicas: 2
                            deployment.kubernetes.io/max-replicas: 3
                            deployment.kubernetes.io/revision: 1
            Controlled By:  Deployment/nginx
            Replicas:       2 current / 2 desired
            Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed
            Pod Template:
              Labels:  app=nginx
                       pod-template-hash=84dc7d8bfd
              Containers:
               nginx:
                Image:         nginx:1.10
                Port:          <none>
                Host Port:     <none>
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Events:
              Type    Reason            Age   From                   Message
              ----    ------            ----  ----                   -------
              Normal  SuccessfulCreate  4s    replicaset-controller  Created pod: nginx-84dc7d8bfd-7lp7x
              Normal  SuccessfulCreate  4s    replicaset-controller  Created pod: nginx-84dc7d8bfd-pnb25
            $ kubectl describe node node-2
            Name:               node-2
            Roles:              <none>
            Labels:             beta.kubernetes.io/arch=amd64
                                beta.kubernetes.io/os=linux
                                kubernetes.io/arch=amd64
                                kubernetes.io/hostname=node-2
                                kubernetes.io/os=linux
                                topology.kubernetes.io/region=region-1
                                topology.kubernetes.io/zone=zone-b
            Annotations:        <none>
            CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
            Taints:             <none>
            Unschedulable:      false
            Lease:
              HolderIdentity:  node-2
              AcquireTime:     <unset>
              RenewTime:       Thu, 01 Jan 2026 00:00:00 +0000
            Conditions:
              Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
              ----             ------  -----------------                 ------------------                ------                       -------
              MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
              DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
              PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
              Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
            Addresses:
              InternalIP:  172.18.0.3
              Hostname:    node-2
            Capacity:
              cpu:                4
              ephemeral-storage:  100Gi
              memory:             8Gi
              pods:               110
            Allocatable:
              cpu:                4
              ephemeral-storage:  100Gi
              memory:             8Gi
              pods:               110
            System Info:
              Machine ID:                 machine-node-2
              System UUID:                uuid-node-2
              Boot ID:                    boot-node-2
              Kernel Version:             6.8.0-kubeplay
              OS Image:                   Debian GNU/Linux 12 (bookworm)
              Operating System:           linux
              Architecture:               amd64
              Container Runtime Version:  containerd://2.1.0
              Kubelet Version:            v1.37.1
              Kube-Proxy Version:         
            PodCIDR:                      10.244.2.0/24
            PodCIDRs:                     10.244.2.0/24
            Non-terminated Pods:          (1 in total)
              Namespace                   Name                      CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
              ---------                   ----                      ------------  ----------  ---------------  -------------  ---
              default                     nginx-84dc7d8bfd-pnb25    0 (0%)        0 (0%)      0 (0%)           0 (0%)         4s
            Allocated resources:
              (Total limits may be over 100 percent, i.e., overcommitted.)
              Resource           Requests  Limits
              --------           --------  ------
              cpu                0 (0%)    0 (0%)
              memory             0 (0%)    0 (0%)
              ephemeral-storage  0 (0%)    0 (0%)
            Events:              <none>
            $ kubectl describe pod nope
            ! Error from server (NotFound): pods "nope" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn describe_a_pod_no_node_fits() {
    check(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests:
        cpu: \"100\"
EOF
sleep 5s
kubectl describe pod huge",
        expect![[r#"
            $ kubectl apply -f - <<EOF
            pod/huge created
            $ sleep 5s
            $ kubectl describe pod huge
            Name:             huge
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             <none>
            Labels:           <none>
            Annotations:      scheduler-simulator/filter-result: {"node-1":{"NodeName":"passed","NodeResourcesFit":"Insufficient cpu","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-2":{"NodeName":"passed","NodeResourcesFit":"Insufficient cpu","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-3":{"NodeName":"passed","NodeResourcesFit":"Insufficient cpu","NodeUnschedulable":"passed","TaintToleration":"passed"}}
                              scheduler-simulator/finalscore-result: {}
                              scheduler-simulator/postfilter-result: {"node-1":{"DefaultPreemption":"Preemption is not helpful for scheduling"},"node-2":{"DefaultPreemption":"Preemption is not helpful for scheduling"},"node-3":{"DefaultPreemption":"Preemption is not helpful for scheduling"}}
                              scheduler-simulator/score-result: {}
            Status:           Pending
            IP:               
            IPs:              <none>
            Containers:
              app:
                Image:      nginx:1.25
                Port:       <none>
                Host Port:  <none>
                Requests:
                  cpu:        100
                Environment:  <none>
                Mounts:       <none>
            Conditions:
              Type           Status
              PodScheduled   False 
            Volumes:         <none>
            QoS Class:       Burstable
            Node-Selectors:  <none>
            Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type     Reason            Age   From               Message
              ----     ------            ----  ----               -------
              Warning  FailedScheduling  4s    default-scheduler  0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
        "#]],
    );
}

#[test]
fn describe_a_pod() {
    check(
        "kubectl run web --image=nginx:1.25 --port=80
sleep 20s
kubectl describe pod web
kubectl get pod web -o yaml",
        expect![[r#"
            $ kubectl run web --image=nginx:1.25 --port=80
            pod/web created
            $ sleep 20s
            $ kubectl describe pod web
            Name:             web
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             node-3/172.18.0.4
            Start Time:       Thu, 01 Jan 2026 00:00:01 +0000
            Labels:           run=web
            Annotations:      scheduler-simulator/filter-result: {"node-1":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-2":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-3":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"}}
                              scheduler-simulator/finalscore-result: {"node-1":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"},"node-2":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"},"node-3":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"}}
                              scheduler-simulator/score-result: {"node-1":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"},"node-2":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"},"node-3":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"}}
                              scheduler-simulator/selected-node: node-3
            Status:           Running
            IP:               10.244.3.3
            IPs:
              IP:  10.244.3.3
            Containers:
              web:
                Container ID:   containerd://4704afdab80df1d141b391e32b2be36a0b90c99bc897b9ccaebc5c6f4cfc4345
                Image:          nginx:1.25
                Image ID:       docker.io/library/nginx:1.25
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:06 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:         <none>
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:                      <none>
            QoS Class:                    BestEffort
            Node-Selectors:               <none>
            Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                          node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type    Reason     Age   From               Message
              ----    ------     ----  ----               -------
              Normal  Scheduled  19s   default-scheduler  Successfully assigned default/web to node-3
              Normal  Pulling    19s   kubelet            Pulling image "nginx:1.25"
              Normal  Pulled     15s   kubelet            Successfully pulled image "nginx:1.25" in 4.460s (4.460s including waiting). Image size: 67216514 bytes.
              Normal  Created    14s   kubelet            Created container: web
              Normal  Started    14s   kubelet            Started container web
            $ kubectl get pod web -o yaml
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                scheduler-simulator/filter-result: '{"node-1":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-2":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"},"node-3":{"NodeName":"passed","NodeResourcesFit":"passed","NodeUnschedulable":"passed","TaintToleration":"passed"}}'
                scheduler-simulator/finalscore-result: '{"node-1":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"},"node-2":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"},"node-3":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"300"}}'
                scheduler-simulator/score-result: '{"node-1":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"},"node-2":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"},"node-3":{"DynamicResources":"0","ImageLocality":"0","NodeResourcesFit":"97","TaintToleration":"0"}}'
                scheduler-simulator/selected-node: node-3
              creationTimestamp: "2026-01-01T00:00:01Z"
              labels:
                run: web
              name: web
              namespace: default
              resourceVersion: "34"
              uid: f5388254-2839-4d9e-a46a-deb140800f4a
            spec:
              containers:
              - image: nginx:1.25
                imagePullPolicy: IfNotPresent
                name: web
                ports:
                - containerPort: 80
                  protocol: TCP
                resources: {}
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
              dnsPolicy: ClusterFirst
              enableServiceLinks: true
              nodeName: node-3
              preemptionPolicy: PreemptLowerPriority
              priority: 0
              restartPolicy: Always
              schedulerName: default-scheduler
              securityContext: {}
              serviceAccount: default
              serviceAccountName: default
              terminationGracePeriodSeconds: 30
              tolerations:
              - effect: NoExecute
                key: node.kubernetes.io/not-ready
                operator: Exists
                tolerationSeconds: 300
              - effect: NoExecute
                key: node.kubernetes.io/unreachable
                operator: Exists
                tolerationSeconds: 300
            status:
              conditions:
              - lastTransitionTime: "2026-01-01T00:00:01Z"
                status: "True"
                type: PodReadyToStartContainers
              - lastTransitionTime: "2026-01-01T00:00:01Z"
                status: "True"
                type: Initialized
              - lastTransitionTime: "2026-01-01T00:00:06Z"
                status: "True"
                type: Ready
              - lastTransitionTime: "2026-01-01T00:00:06Z"
                status: "True"
                type: ContainersReady
              - lastTransitionTime: "2026-01-01T00:00:01Z"
                status: "True"
                type: PodScheduled
              containerStatuses:
              - containerID: containerd://4704afdab80df1d141b391e32b2be36a0b90c99bc897b9ccaebc5c6f4cfc4345
                image: nginx:1.25
                imageID: docker.io/library/nginx:1.25
                name: web
                ready: true
                restartCount: 0
                started: true
                state:
                  running:
                    startedAt: "2026-01-01T00:00:06Z"
              hostIP: 172.18.0.4
              hostIPs:
              - ip: 172.18.0.4
              phase: Running
              podIP: 10.244.3.3
              podIPs:
              - ip: 10.244.3.3
              qosClass: BestEffort
              startTime: "2026-01-01T00:00:01Z"
        "#]],
    );
}

#[test]
fn exec_what_a_container_can_answer() {
    check(
        r#"kubectl create configmap app --from-literal=mode=fast --from-literal=level=3
kubectl create secret generic db --from-literal=DB_USER=admin --from-literal=DB_PASS=s3cret
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.25
    env:
    - name: MODE
      valueFrom:
        configMapKeyRef: {name: app, key: mode}
    - name: POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    envFrom:
    - secretRef: {name: db}
    volumeMounts:
    - {name: config, mountPath: /etc/app}
    - {name: creds, mountPath: /etc/creds, readOnly: true}
  volumes:
  - name: config
    configMap: {name: app}
  - name: creds
    secret:
      secretName: db
      items:
      - {key: DB_USER, path: user}
EOF
kubectl wait --for=condition=Ready pod/web
kubectl exec web -- env | grep DB_USER
kubectl exec web -- printenv MODE POD_NAME
kubectl exec web -- ls /etc/app
kubectl exec -it web -- cat /etc/app/mode; echo
kubectl exec web -- ls /etc/creds
kubectl exec web -- sh -c 'cat /etc/creds/user && echo " on $(hostname)"'
kubectl exec web -- cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo
kubectl exec web -- cat /etc/resolv.conf
kubectl exec web -- cat /etc/nope
kubectl exec web -- ps aux
kubectl exec web -- sh
kubectl exec web ls
kubectl exec nope -- env
kubectl exec deploy/none -- env"#,
        expect![[r#"
            $ kubectl create configmap app --from-literal=mode=fast --from-literal=level=3
            configmap/app created
            $ kubectl create secret generic db --from-literal=DB_USER=admin --from-literal=DB_PASS=s3cret
            secret/db created
            $ kubectl apply -f - <<EOF
            pod/web created
            $ kubectl wait --for=condition=Ready pod/web
            pod/web condition met
            $ kubectl exec web -- env | grep DB_USER
            DB_USER=admin
            $ kubectl exec web -- printenv MODE POD_NAME
            fast
            web
            $ kubectl exec web -- ls /etc/app
            level
            mode
            $ kubectl exec -it web -- cat /etc/app/mode
            fast$ echo

            $ kubectl exec web -- ls /etc/creds
            user
            $ kubectl exec web -- sh -c 'cat /etc/creds/user && echo " on $(hostname)"'
            admin on web
            $ kubectl exec web -- cat /var/run/secrets/kubernetes.io/serviceaccount/namespace
            default$ echo

            $ kubectl exec web -- cat /etc/resolv.conf
            search default.svc.cluster.local svc.cluster.local cluster.local
            nameserver 10.96.0.10
            options ndots:5
            $ kubectl exec web -- cat /etc/nope
            ! cat: /etc/nope: No such file or directory
            ! command terminated with exit code 1
            [exit 1]
            $ kubectl exec web -- ps aux
            ! ps: the playground's containers run no real process: exec can run env, printenv, cat, ls, hostname, curl, wget and nslookup of Services, echo > file, touch, mkdir, rm, and sh -c of those
            ! command terminated with exit code 126
            [exit 126]
            $ kubectl exec web -- sh
            ! sh: an interactive shell needs a real process; give the command with sh -c '...' (the playground's containers run no real process: exec can run env, printenv, cat, ls, hostname, curl, wget and nslookup of Services, echo > file, touch, mkdir, rm, and sh -c of those)
            ! command terminated with exit code 126
            [exit 126]
            $ kubectl exec web ls
            ! error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead
            ! See 'kubectl exec -h' for help and examples
            [exit 1]
            $ kubectl exec nope -- env
            ! Error from server (NotFound): pods "nope" not found
            [exit 1]
            $ kubectl exec deploy/none -- env
            ! Error from server (NotFound): deployments.apps "none" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn patch_three_ways() {
    check(
        r#"kubectl create deployment web --image=nginx:1.25 --replicas=1
kubectl patch deployment web -p '{"spec":{"replicas":3}}'
kubectl patch deployment web -p '{"spec":{"replicas":3}}'
kubectl patch deploy/web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}'
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'
kubectl get deployment web -o jsonpath='{.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[*].image}{"\n"}'
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2},{"op":"add","path":"/metadata/annotations","value":{"owner":"team-a"}}]'
kubectl get deployment web -o jsonpath='{.spec.replicas} {.metadata.annotations.owner}{"\n"}'
kubectl patch deployment web -p 'spec: {paused: true}' --dry-run=client
kubectl patch deployment web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'
kubectl patch deployment web -p '{"spec":{"replicas":"three"}}'
kubectl patch deployment web -p '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}'
kubectl patch deployment web --type=yaml -p '{}'
kubectl patch deployment web
kubectl patch deployment nope -p '{}'"#,
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=1
            deployment.apps/web created
            $ kubectl patch deployment web -p '{"spec":{"replicas":3}}'
            deployment.apps/web patched
            $ kubectl patch deployment web -p '{"spec":{"replicas":3}}'
            deployment.apps/web patched (no change)
            $ kubectl patch deploy/web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}'
            deployment.apps/web patched
            $ kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'
            deployment.apps/web patched
            $ kubectl get deployment web -o jsonpath='{.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[*].image}{"\n"}'
            3 front nginx:1.27
            $ kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2},{"op":"add","path":"/metadata/annotations","value":{"owner":"team-a"}}]'
            deployment.apps/web patched
            $ kubectl get deployment web -o jsonpath='{.spec.replicas} {.metadata.annotations.owner}{"\n"}'
            2 team-a
            $ kubectl patch deployment web -p 'spec: {paused: true}' --dry-run=client
            deployment.apps/web patched (dry run)
            $ kubectl patch deployment web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'
            ! Error from server (BadRequest): remove operation does not apply: doc is missing path: "/spec/nope": missing value
            [exit 1]
            $ kubectl patch deployment web -p '{"spec":{"replicas":"three"}}'
            ! Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
            [exit 1]
            $ kubectl patch deployment web -p '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}'
            ! The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`
            [exit 1]
            $ kubectl patch deployment web --type=yaml -p '{}'
            ! error: --type must be one of [json merge strategic], not "yaml"
            [exit 1]
            $ kubectl patch deployment web
            ! error: must specify --patch or --patch-file containing the contents of the patch
            [exit 1]
            $ kubectl patch deployment nope -p '{}'
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn set_env_and_resources() {
    check(
        r#"kubectl create deployment web --image=nginx:1.25
kubectl create configmap app --from-literal=log-level=debug --from-literal=mode=fast
kubectl set env deployment/web DB_HOST=db TIER=front
kubectl set env deployment/web --from=configmap/app --prefix=APP_
kubectl set env deployment/web TIER-
kubectl set env deployment/web --list
kubectl set resources deployment web --requests=cpu=100m,memory=128Mi --limits=cpu=500m
kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].resources}{"\n"}'
kubectl rollout status deployment/web
kubectl exec deploy/web -- printenv APP_LOG_LEVEL DB_HOST
kubectl set resources deployment web --limits=cpu=lots
kubectl set resources deployment web -c nope --limits=cpu=1
kubectl set resources deployment web
kubectl set env deployment/web
kubectl set env deployment/web --from=configmap/none
kubectl set serviceaccount deployment web builder
kubectl get deployment web -o jsonpath='{.spec.template.spec.serviceAccountName}{"\n"}'
kubectl set sa deployment web"#,
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25
            deployment.apps/web created
            $ kubectl create configmap app --from-literal=log-level=debug --from-literal=mode=fast
            configmap/app created
            $ kubectl set env deployment/web DB_HOST=db TIER=front
            deployment.apps/web env updated
            $ kubectl set env deployment/web --from=configmap/app --prefix=APP_
            deployment.apps/web env updated
            $ kubectl set env deployment/web TIER-
            deployment.apps/web env updated
            $ kubectl set env deployment/web --list
            # deployment/web, container nginx
            DB_HOST=db
            # APP_LOG_LEVEL from configmap app, key log-level
            # APP_MODE from configmap app, key mode
            $ kubectl set resources deployment web --requests=cpu=100m,memory=128Mi --limits=cpu=500m
            deployment.apps/web resource requirements updated
            $ kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].resources}{"\n"}'
            {"limits":{"cpu":"500m"},"requests":{"cpu":"100m","memory":"128Mi"}}
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl exec deploy/web -- printenv APP_LOG_LEVEL DB_HOST
            debug
            db
            $ kubectl set resources deployment web --limits=cpu=lots
            ! error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
            [exit 1]
            $ kubectl set resources deployment web -c nope --limits=cpu=1
            ! error: unable to find container named nope
            [exit 1]
            $ kubectl set resources deployment web
            ! error: you must specify an update to requests or limits (in the form of --requests/--limits)
            [exit 1]
            $ kubectl set env deployment/web
            ! error: at least one environment variable must be provided
            [exit 1]
            $ kubectl set env deployment/web --from=configmap/none
            ! Error from server (NotFound): configmaps "none" not found
            [exit 1]
            $ kubectl set serviceaccount deployment web builder
            deployment.apps/web serviceaccount updated
            $ kubectl get deployment web -o jsonpath='{.spec.template.spec.serviceAccountName}{"\n"}'
            builder
            $ kubectl set sa deployment web
            ! error: resource(s) were provided, but no name was specified
            [exit 1]
        "#]],
    );
}

#[test]
fn replace_and_force_replace() {
    check(
        r#"cat > cm.yaml <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {tier: front}
data:
  mode: fast
EOF
kubectl replace -f cm.yaml
kubectl apply -f cm.yaml
kubectl label configmap app extra=yes
cat > cm.yaml <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  mode: slow
EOF
kubectl replace -f cm.yaml
kubectl get configmap app --show-labels -o jsonpath='{.data.mode} {.metadata.labels}{"\n"}'
kubectl run web --image=nginx:1.25
kubectl get pod web -o yaml > pod.yaml
kubectl replace --force -f pod.yaml
kubectl get pods
kubectl replace"#,
        expect![[r#"
            $ cat > cm.yaml <<EOF
            $ kubectl replace -f cm.yaml
            ! Error from server (NotFound): error when replacing "cm.yaml": configmaps "app" not found
            [exit 1]
            $ kubectl apply -f cm.yaml
            configmap/app created
            $ kubectl label configmap app extra=yes
            configmap/app labeled
            $ cat > cm.yaml <<EOF
            $ kubectl replace -f cm.yaml
            configmap/app replaced
            $ kubectl get configmap app --show-labels -o jsonpath='{.data.mode} {.metadata.labels}{"\n"}'
            slow 
            $ kubectl run web --image=nginx:1.25
            pod/web created
            $ kubectl get pod web -o yaml > pod.yaml
            $ kubectl replace --force -f pod.yaml
            pod "web" deleted from default namespace
            pod/web replaced
            $ kubectl get pods
            NAME   READY   STATUS    RESTARTS   AGE
            web    0/1     Pending   0          0s
            $ kubectl replace
            ! error: must specify --filename to replace
            [exit 1]
        "#]],
    );
}

#[test]
fn smaller_differences_from_labs() {
    check(
        r#"kubectl create deployment web --image=nginx:1.25 --replicas=2
kubectl rollout status deployment/web
kubectl create service externalname ext --external-name=example.com
kubectl get service ext
kubectl get pods -o jsonpath='{.items[].metadata.name}{"\n"}'
kubectl get pods -l 'app in(web,api)' -o name
kubectl get pods -l 'app notin(api)' --no-headers | wc -l
kubectl top pod $(kubectl get pods -o jsonpath='{.items[0].metadata.name}')
kubectl top pod nope
kubectl top node node-2
kubectl top node node-9
kubectl top pods -A -l app=none
kubectl run pinned --image=nginx --overrides='{"spec":{"nodeName":"node-3"}}'
kubectl get pod pinned -o jsonpath='{.spec.nodeName}{"\n"}'
kubectl expose deployment web --port=80 --overrides='{"spec":{"type":"NodePort"}}' --dry-run=client -o jsonpath='{.spec.type}{"\n"}'
kubectl run bad --image=nginx --overrides='{oops'
kubectl apply -k overlays/dev
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: num
data:
  port: 8080
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: typed
  labels: {tier: 2}
spec:
  replicas: 1
  selector: {matchLabels: {app: typed}}
  template:
    metadata: {labels: {app: typed}}
    spec:
      containers: [{name: c, image: nginx}]
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: typed
spec:
  replicas: "two"
  selector: {matchLabels: {app: typed}}
  template:
    metadata: {labels: {app: typed}}
    spec:
      containers: [{name: c, image: nginx, env: [{name: PORT, value: 80}]}]
EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  labels: [oops
EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
 name: x
  labels: a
EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  labels: {a: b}
data: {x: "1"}
EOF"#,
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2
            deployment.apps/web created
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl create service externalname ext --external-name=example.com
            service/ext created
            $ kubectl get service ext
            NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            ext    ExternalName   10.96.0.2    example.com   <none>    0s
            $ kubectl get pods -o jsonpath='{.items[].metadata.name}{"\n"}'
            web-6df7ccfbbd-7lp7x
            $ kubectl get pods -l 'app in(web,api)' -o name
            pod/web-6df7ccfbbd-7lp7x
            pod/web-6df7ccfbbd-pnb25
            $ kubectl get pods -l 'app notin(api)' --no-headers | wc -l
            2
            $ kubectl top pod $(kubectl get pods -o jsonpath='{.items[0].metadata.name}')
            NAME                   CPU(cores)   MEMORY(bytes)   
            web-6df7ccfbbd-7lp7x   1m           4Mi             
            $ kubectl top pod nope
            ! Error from server (NotFound): pods.metrics.k8s.io "default/nope" not found
            [exit 1]
            $ kubectl top node node-2
            NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   
            node-2   101m         2%       604Mi           7%          
            $ kubectl top node node-9
            ! Error from server (NotFound): nodes.metrics.k8s.io "node-9" not found
            [exit 1]
            $ kubectl top pods -A -l app=none
            ! No resources found
            $ kubectl run pinned --image=nginx --overrides='{"spec":{"nodeName":"node-3"}}'
            pod/pinned created
            $ kubectl get pod pinned -o jsonpath='{.spec.nodeName}{"\n"}'
            node-3
            $ kubectl expose deployment web --port=80 --overrides='{"spec":{"type":"NodePort"}}' --dry-run=client -o jsonpath='{.spec.type}{"\n"}'
            NodePort
            $ kubectl run bad --image=nginx --overrides='{oops'
            ! error: unable to parse "{oops": error parsing JSON: key must be a string at line 1 column 2
            [exit 1]
            $ kubectl apply -k overlays/dev
            ! error: apply -k is not available in the playground: it builds no kustomizations; apply the rendered manifests with -f (or a here-document)
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: did not find expected ',' or ']'
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context
            [exit 1]
            $ kubectl apply -f - <<EOF
            ! error: error when retrieving current configuration of:
            ! Resource: "/v1, Resource=configmaps", GroupVersionKind: "/v1, Kind=ConfigMap"
            ! Name: "", Namespace: "default"
            ! from server for: "STDIN": resource name may not be empty
            [exit 1]
        "#]],
    );
}

#[test]
fn exec_requests_to_services() {
    check(
        r#"kubectl create deployment web --image=nginx:1.25 --replicas=2
kubectl expose deployment web --port=80
kubectl run client --image=busybox:1.36 -- sleep 3600
kubectl rollout status deployment/web
kubectl wait --for=condition=Ready pod/client
sleep 2s
kubectl exec client -- wget -qO- http://web | grep -c 'Welcome to nginx'
kubectl exec client -- curl -s -o /dev/null -w '%{http_code}' web.default.svc.cluster.local; echo
kubectl exec client -- nslookup web
kubectl exec client -- nslookup nope
kubectl exec client -- curl -s http://web:8080
kubectl exec client -- wget -qO- http://nope
kubectl scale deployment web --replicas=0
kubectl wait --for=delete pod -l app=web --timeout=60s
sleep 3s
kubectl exec client -- wget -qO- web
traffic status svc/web"#,
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2
            deployment.apps/web created
            $ kubectl expose deployment web --port=80
            service/web exposed
            $ kubectl run client --image=busybox:1.36 -- sleep 3600
            pod/client created
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl wait --for=condition=Ready pod/client
            pod/client condition met
            $ sleep 2s
            $ kubectl exec client -- wget -qO- http://web | grep -c 'Welcome to nginx'
            2
            $ kubectl exec client -- curl -s -o /dev/null -w '%{http_code}' web.default.svc.cluster.local
            200$ echo

            $ kubectl exec client -- nslookup web
            Server:		10.96.0.10
            Address:	10.96.0.10:53

            Name:	web.default.svc.cluster.local
            Address: 10.96.0.2

            $ kubectl exec client -- nslookup nope
            Server:		10.96.0.10
            Address:	10.96.0.10:53

            ** server can't find nope.default.svc.cluster.local: NXDOMAIN

            ! command terminated with exit code 1
            [exit 1]
            $ kubectl exec client -- curl -s http://web:8080
            ! curl: (7) Failed to connect to web port 8080 after 0 ms: Couldn't connect to server
            ! command terminated with exit code 7
            [exit 7]
            $ kubectl exec client -- wget -qO- http://nope
            ! wget: bad address 'nope'
            ! command terminated with exit code 1
            [exit 1]
            $ kubectl scale deployment web --replicas=0
            deployment.apps/web scaled
            $ kubectl wait --for=delete pod -l app=web --timeout=60s
            pod/web-6df7ccfbbd-b25qs condition met
            pod/web-6df7ccfbbd-hczcq condition met
            $ sleep 3s
            $ kubectl exec client -- wget -qO- web
            ! wget: can't connect to remote host (10.96.0.2): Connection refused
            ! command terminated with exit code 1
            [exit 1]
            $ traffic status svc/web
            ! traffic: no traffic is being sent to service/web
            [exit 1]
        "#]],
    );
}

#[test]
fn cluster_and_kubeconfig_information() {
    check(
        "kubectl api-versions\nkubectl cluster-info\nkubectl config current-context\nkubectl config get-contexts\nkubectl config use-context kubeplay\nkubectl config use-context prod\nkubectl config view\nkubectl create namespace dev
kubectl config set-context --current --namespace=dev
kubectl config view --minify -o jsonpath='{..namespace}'; echo
kubectl config get-contexts
kubectl create deployment api --image=nginx:1.25
kubectl get deployments
kubectl get deployments -n default
kubectl config set-context prod --namespace=x
kubectl config set-context --current --namespace=default\nkubectl get --raw /healthz; echo\nkubectl get --raw='/readyz?verbose'; echo\nkubectl get --raw /version | jq -r .gitVersion\nkubectl get --raw /api/v1/pods",
        expect![[r#"
            $ kubectl api-versions
            apps/v1
            autoscaling/v2
            batch/v1
            networking.k8s.io/v1
            policy/v1
            rbac.authorization.k8s.io/v1
            scheduling.k8s.io/v1
            storage.k8s.io/v1
            v1
            $ kubectl cluster-info
            Kubernetes control plane is running at https://127.0.0.1:6443

            To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.
            $ kubectl config current-context
            kubeplay
            $ kubectl config get-contexts
            CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE
            *         kubeplay   kubeplay   kubeplay   
            $ kubectl config use-context kubeplay
            Switched to context "kubeplay".
            $ kubectl config use-context prod
            ! error: no context exists with the name: "prod"
            [exit 1]
            $ kubectl config view
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: DATA+OMITTED
                server: https://127.0.0.1:6443
              name: kubeplay
            contexts:
            - context:
                cluster: kubeplay
                user: kubeplay
              name: kubeplay
            current-context: kubeplay
            kind: Config
            preferences: {}
            users:
            - name: kubeplay
              user:
                client-certificate-data: DATA+OMITTED
                client-key-data: DATA+OMITTED
            $ kubectl create namespace dev
            namespace/dev created
            $ kubectl config set-context --current --namespace=dev
            Context "kubeplay" modified.
            $ kubectl config view --minify -o jsonpath='{..namespace}'
            dev$ echo

            $ kubectl config get-contexts
            CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE
            *         kubeplay   kubeplay   kubeplay   dev
            $ kubectl create deployment api --image=nginx:1.25
            deployment.apps/api created
            $ kubectl get deployments
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            api    0/1     0            0           0s
            $ kubectl get deployments -n default
            ! No resources found in default namespace.
            $ kubectl config set-context prod --namespace=x
            ! error: the playground has one context, kubeplay: use kubectl config set-context --current --namespace=NAME
            [exit 1]
            $ kubectl config set-context --current --namespace=default
            Context "kubeplay" modified.
            $ kubectl get --raw /healthz
            ok$ echo

            $ kubectl get --raw='/readyz?verbose'
            ok$ echo

            $ kubectl get --raw /version | jq -r .gitVersion
            v1.37.1
            $ kubectl get --raw /api/v1/pods
            ! Error from server (NotFound): the server could not find the requested resource
            [exit 1]
        "#]],
    );
}

#[test]
fn informational_commands() {
    check(
        "kubectl version\nkubectl api-resources\nkubectl explain deployment.spec.strategy\nkubectl explain pods.spec.nope\nkubectl explain pod.spec.dnsPolicy\nkubectl explain deployment.spec.template.spec.containers.command\nkubectl get events",
        expect![[r#"
            $ kubectl version
            Client Version: v1.37.1
            Kustomize Version: v5.8.1
            Server Version: v1.37.1
            $ kubectl api-resources
            NAME                       SHORTNAMES   APIVERSION                     NAMESPACED   KIND
            configmaps                 cm           v1                             true         ConfigMap
            endpoints                  ep           v1                             true         Endpoints
            events                     ev           v1                             true         Event
            limitranges                limits       v1                             true         LimitRange
            namespaces                 ns           v1                             false        Namespace
            nodes                      no           v1                             false        Node
            persistentvolumeclaims     pvc          v1                             true         PersistentVolumeClaim
            persistentvolumes          pv           v1                             false        PersistentVolume
            pods                       po           v1                             true         Pod
            resourcequotas             quota        v1                             true         ResourceQuota
            secrets                                 v1                             true         Secret
            serviceaccounts            sa           v1                             true         ServiceAccount
            services                   svc          v1                             true         Service
            controllerrevisions                     apps/v1                        true         ControllerRevision
            daemonsets                 ds           apps/v1                        true         DaemonSet
            deployments                deploy       apps/v1                        true         Deployment
            replicasets                rs           apps/v1                        true         ReplicaSet
            statefulsets               sts          apps/v1                        true         StatefulSet
            horizontalpodautoscalers   hpa          autoscaling/v2                 true         HorizontalPodAutoscaler
            cronjobs                   cj           batch/v1                       true         CronJob
            jobs                                    batch/v1                       true         Job
            ingressclasses                          networking.k8s.io/v1           false        IngressClass
            ingresses                  ing          networking.k8s.io/v1           true         Ingress
            networkpolicies            netpol       networking.k8s.io/v1           true         NetworkPolicy
            poddisruptionbudgets       pdb          policy/v1                      true         PodDisruptionBudget
            clusterrolebindings                     rbac.authorization.k8s.io/v1   false        ClusterRoleBinding
            clusterroles                            rbac.authorization.k8s.io/v1   false        ClusterRole
            rolebindings                            rbac.authorization.k8s.io/v1   true         RoleBinding
            roles                                   rbac.authorization.k8s.io/v1   true         Role
            priorityclasses            pc           scheduling.k8s.io/v1           false        PriorityClass
            storageclasses             sc           storage.k8s.io/v1              false        StorageClass
            $ kubectl explain deployment.spec.strategy
            KIND:       Deployment
            GROUP:      apps
            VERSION:    v1

            FIELD: strategy <DeploymentStrategy>

            DESCRIPTION:
                The deployment strategy to use to replace existing pods with new ones.

            FIELDS:
              rollingUpdate	<RollingUpdateDeployment>
                Rolling update config params. Present only if DeploymentStrategyType =
                RollingUpdate.

              type	<string>
                Type of deployment. Can be "Recreate" or "RollingUpdate". Default is
                RollingUpdate.


            $ kubectl explain pods.spec.nope
            ! error: field "nope" does not exist
            [exit 1]
            $ kubectl explain pod.spec.dnsPolicy
            KIND:       Pod
            VERSION:    v1

            FIELD: dnsPolicy <string>

            DESCRIPTION:
                Set DNS policy for the pod. Defaults to "ClusterFirst". Valid values are
                'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.


            $ kubectl explain deployment.spec.template.spec.containers.command
            KIND:       Deployment
            GROUP:      apps
            VERSION:    v1

            FIELD: command <[]string>

            DESCRIPTION:
                Entrypoint array. Not executed within a shell. The container image's
                ENTRYPOINT is used if this is not provided.


            $ kubectl get events
            ! No resources found in default namespace.
        "#]],
    );
}

#[test]
fn create_jobs_and_cronjobs() {
    // No time passes between these commands, so no controller acts on what they create.
    check(
        "kubectl create job hello --image=busybox -- echo hello
kubectl get jobs
kubectl get job hello -o jsonpath='{.spec.template.spec.containers[0].command}{\"\\n\"}'
kubectl create job hello --image=busybox
kubectl create job Bad_Name --image=busybox
kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- date
kubectl create cj nightly --image=busybox --schedule='0 3 * * *' --restart=Always
kubectl get cj
kubectl create job manual --from=cronjob/tick
kubectl get job manual -o yaml
kubectl create job manual2 --from=cronjob/tick --dry-run=client -o yaml
kubectl create job x --from=cronjob/nope
kubectl create job x --from=service/kubernetes
kubectl create job x --from=cronjob
kubectl create job x --from=crons/tick
kubectl create serviceaccount builder",
        expect![[r#"
            $ kubectl create job hello --image=busybox -- echo hello
            job.batch/hello created
            $ kubectl get jobs
            NAME    STATUS    COMPLETIONS   DURATION   AGE
            hello   Running   0/1                      0s
            $ kubectl get job hello -o jsonpath='{.spec.template.spec.containers[0].command}{"\n"}'
            ["echo","hello"]
            $ kubectl create job hello --image=busybox
            ! error: failed to create job: jobs.batch "hello" already exists
            [exit 1]
            $ kubectl create job Bad_Name --image=busybox
            ! error: failed to create job: Job.batch "Bad_Name" is invalid: 
            ! * metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
            ! * spec.template.spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')
            [exit 1]
            $ kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- date
            cronjob.batch/tick created
            $ kubectl create cj nightly --image=busybox --schedule='0 3 * * *' --restart=Always
            ! error: failed to create cronjob: CronJob.batch "nightly" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"
            [exit 1]
            $ kubectl get cj
            NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
            tick   */1 * * * *   <none>     False     0        <none>          0s
            $ kubectl create job manual --from=cronjob/tick
            job.batch/manual created
            $ kubectl get job manual -o yaml
            apiVersion: batch/v1
            kind: Job
            metadata:
              annotations:
                cronjob.kubernetes.io/instantiate: manual
              creationTimestamp: "2026-01-01T00:00:01Z"
              generation: 1
              labels:
                batch.kubernetes.io/controller-uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
                batch.kubernetes.io/job-name: manual
                controller-uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
                job-name: manual
              name: manual
              namespace: default
              ownerReferences:
              - apiVersion: batch/v1
                controller: true
                kind: CronJob
                name: tick
                uid: 439401c5-3ed0-470b-bb3f-b2f0cfd1060a
              resourceVersion: "27"
              uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
            spec:
              backoffLimit: 6
              completionMode: NonIndexed
              completions: 1
              parallelism: 1
              podReplacementPolicy: TerminatingOrFailed
              selector:
                matchLabels:
                  batch.kubernetes.io/controller-uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
              suspend: false
              template:
                metadata:
                  labels:
                    batch.kubernetes.io/controller-uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
                    batch.kubernetes.io/job-name: manual
                    controller-uid: 28a22329-58e0-4eeb-99d8-ec3a36a7ffa4
                    job-name: manual
                spec:
                  containers:
                  - command:
                    - date
                    image: busybox
                    imagePullPolicy: Always
                    name: tick
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: OnFailure
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status: {}
            $ kubectl create job manual2 --from=cronjob/tick --dry-run=client -o yaml
            apiVersion: batch/v1
            kind: Job
            metadata:
              annotations:
                cronjob.kubernetes.io/instantiate: manual
              name: manual2
              ownerReferences:
              - apiVersion: batch/v1
                controller: true
                kind: CronJob
                name: tick
                uid: 439401c5-3ed0-470b-bb3f-b2f0cfd1060a
            spec:
              template:
                metadata: {}
                spec:
                  containers:
                  - command:
                    - date
                    image: busybox
                    imagePullPolicy: Always
                    name: tick
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: OnFailure
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status: {}
            $ kubectl create job x --from=cronjob/nope
            ! Error from server (NotFound): cronjobs.batch "nope" not found
            [exit 1]
            $ kubectl create job x --from=service/kubernetes
            ! error: unknown object type *v1.Service
            [exit 1]
            $ kubectl create job x --from=cronjob
            ! error: resource(s) were provided, but no name was specified
            [exit 1]
            $ kubectl create job x --from=crons/tick
            ! error: the server doesn't have a resource type "crons"
            [exit 1]
            $ kubectl create serviceaccount builder
            serviceaccount/builder created
        "#]],
    );
}

#[test]
fn batch_kinds_in_discovery_and_explain() {
    check(
        "kubectl api-resources --api-group=batch -o wide
kubectl api-resources --api-group=batch -o name
kubectl explain job
kubectl explain cj.spec.concurrencyPolicy
kubectl explain cronjob.spec.jobTemplate.spec.backoffLimit
kubectl explain cronjob.spec.jobTemplate.spec.template.spec.restartPolicy
kubectl explain jobs.spec.template.spec.containers.command
kubectl explain job.spec.nope",
        expect![[r#"
            $ kubectl api-resources --api-group=batch -o wide
            NAME       SHORTNAMES   APIVERSION   NAMESPACED   KIND      VERBS                                                          CATEGORIES
            cronjobs   cj           batch/v1     true         CronJob   [create delete deletecollection get list patch update watch]   all
            jobs                    batch/v1     true         Job       [create delete deletecollection get list patch update watch]   all
            $ kubectl api-resources --api-group=batch -o name
            cronjobs.batch
            jobs.batch
            $ kubectl explain job
            KIND:       Job
            GROUP:      batch
            VERSION:    v1

            DESCRIPTION:
                Job represents the configuration of a single job.

            FIELDS:
              apiVersion	<string>
                APIVersion defines the versioned schema of this representation of an object.
                Servers should convert recognized schemas to the latest internal value, and
                may reject unrecognized values. More info:
                https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

              kind	<string>
                Kind is a string value representing the REST resource this object
                represents. Servers may infer this from the endpoint the client submits
                requests to. Cannot be updated. In CamelCase. More info:
                https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

              metadata	<ObjectMeta>
                Standard object's metadata. More info:
                https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata

              spec	<JobSpec>
                Specification of the desired behavior of a job. More info:
                https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status

              status	<JobStatus>
                Current status of a job. More info:
                https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status


            $ kubectl explain cj.spec.concurrencyPolicy
            KIND:       CronJob
            GROUP:      batch
            VERSION:    v1

            FIELD: concurrencyPolicy <string>

            DESCRIPTION:
                Specifies how to treat concurrent executions of a Job. Valid values are: -
                "Allow" (default): allows CronJobs to run concurrently; - "Forbid": forbids
                concurrent runs, skipping next run if previous run hasn't finished yet; -
                "Replace": cancels currently running job and replaces it with a new one


            $ kubectl explain cronjob.spec.jobTemplate.spec.backoffLimit
            KIND:       CronJob
            GROUP:      batch
            VERSION:    v1

            FIELD: backoffLimit <integer>

            DESCRIPTION:
                Specifies the number of retries before marking this job failed. Defaults to
                6, unless backoffLimitPerIndex (only Indexed Job) is specified. When
                backoffLimitPerIndex is specified, backoffLimit defaults to 2147483647.


            $ kubectl explain cronjob.spec.jobTemplate.spec.template.spec.restartPolicy
            KIND:       CronJob
            GROUP:      batch
            VERSION:    v1

            FIELD: restartPolicy <string>

            DESCRIPTION:
                Restart policy for all containers within the pod. One of Always, OnFailure,
                Never. Default to Always.


            $ kubectl explain jobs.spec.template.spec.containers.command
            KIND:       Job
            GROUP:      batch
            VERSION:    v1

            FIELD: command <[]string>

            DESCRIPTION:
                Entrypoint array. Not executed within a shell. The container image's
                ENTRYPOINT is used if this is not provided.


            $ kubectl explain job.spec.nope
            ! error: field "nope" does not exist
            [exit 1]
        "#]],
    );
}

#[test]
fn logs_of_what_a_process_printed() {
    check(
        "kubectl run hello --image=busybox --restart=Never -- sh -c 'echo hello; sleep 2; echo bye'
kubectl run crash --image=busybox -- sh -c 'echo boom; exit 1'
kubectl logs hello
sleep 20
kubectl get pods
kubectl logs hello
kubectl logs hello --timestamps
kubectl logs hello --tail=1
kubectl logs hello --previous
kubectl logs crash
kubectl logs crash --previous --timestamps
kubectl run web --image=nginx:1.25
sleep 10
kubectl logs web",
        expect![[r#"
            $ kubectl run hello --image=busybox --restart=Never -- sh -c 'echo hello; sleep 2; echo bye'
            pod/hello created
            $ kubectl run crash --image=busybox -- sh -c 'echo boom; exit 1'
            pod/crash created
            $ kubectl logs hello
            ! Error from server (BadRequest): container "hello" in pod "hello" is waiting to start: ContainerCreating
            [exit 1]
            $ sleep 20
            $ kubectl get pods
            NAME    READY   STATUS             RESTARTS     AGE
            crash   0/1     CrashLoopBackOff   2 (7s ago)   20s
            hello   0/1     Completed          0            20s
            $ kubectl logs hello
            hello
            bye
            $ kubectl logs hello --timestamps
            2026-01-01T00:00:02.830000000Z hello
            2026-01-01T00:00:04.830000000Z bye
            $ kubectl logs hello --tail=1
            bye
            $ kubectl logs hello --previous
            ! Error from server (BadRequest): previous terminated container "hello" in pod "hello" not found
            [exit 1]
            $ kubectl logs crash
            boom
            $ kubectl logs crash --previous --timestamps
            2026-01-01T00:00:13.864000000Z boom
            $ kubectl run web --image=nginx:1.25
            pod/web created
            $ sleep 10
            $ kubectl logs web
            2026/01/01 00:00:25 [notice] 1#1: using the "epoll" event method
            2026/01/01 00:00:25 [notice] 1#1: start worker processes
        "#]],
    );
}

#[test]
fn logs_of_a_job_are_its_first_pod_s() {
    // The pod is written by hand with what the Job controller would give it, so the test needs
    // no controller: the Job's selector (when the API server generated one) selects it, and
    // it is the Job's own.
    check(
        "kubectl create job hello --image=busybox -- sh -c 'echo hello; echo from the job'
JOB_UID=$(kubectl get job hello -o jsonpath='{.metadata.uid}')
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: hello-x7k2p
  labels:
    batch.kubernetes.io/controller-uid: $JOB_UID
    batch.kubernetes.io/job-name: hello
  ownerReferences:
  - apiVersion: batch/v1
    kind: Job
    name: hello
    uid: $JOB_UID
    controller: true
spec:
  restartPolicy: Never
  containers:
  - name: hello
    image: busybox
    command: [sh, -c, 'echo hello; echo from the job']
EOF
sleep 30
kubectl logs job/hello
kubectl logs jobs/hello --timestamps
kubectl logs job/nope
kubectl create cronjob tick --image=busybox --schedule='@daily'
kubectl logs cronjob/tick",
        expect![[r#"
            $ kubectl create job hello --image=busybox -- sh -c 'echo hello; echo from the job'
            job.batch/hello created
            $ JOB_UID=$(kubectl get job hello -o jsonpath='{.metadata.uid}')
            $ kubectl apply -f - <<EOF
            pod/hello-x7k2p created
            $ sleep 30
            $ kubectl logs job/hello
            hello
            from the job
            $ kubectl logs jobs/hello --timestamps
            2026-01-01T00:00:03.098000000Z hello
            2026-01-01T00:00:03.098000000Z from the job
            $ kubectl logs job/nope
            ! Error from server (NotFound): jobs.batch "nope" not found
            [exit 1]
            $ kubectl create cronjob tick --image=busybox --schedule='@daily'
            cronjob.batch/tick created
            $ kubectl logs cronjob/tick
            ! error: cannot get the logs from *v1.CronJob: selector for *v1.CronJob not implemented
            [exit 1]
        "#]],
    );
}

#[test]
fn jobs_in_get_all_and_watch() {
    check(
        "kubectl create job hello --image=busybox -- echo hello
kubectl create cronjob yearly --image=busybox --schedule='0 0 1 1 *'
kubectl get all
kubectl get jobs,cronjobs -o name
kubectl get cronjobs --watch --request-timeout=1s",
        expect![[r#"
            $ kubectl create job hello --image=busybox -- echo hello
            job.batch/hello created
            $ kubectl create cronjob yearly --image=busybox --schedule='0 0 1 1 *'
            cronjob.batch/yearly created
            $ kubectl get all
            NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   1s

            NAME                   SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
            cronjob.batch/yearly   0 0 1 1 *   <none>     False     0        <none>          0s

            NAME              STATUS    COMPLETIONS   DURATION   AGE
            job.batch/hello   Running   0/1                      0s
            $ kubectl get jobs,cronjobs -o name
            job.batch/hello
            cronjob.batch/yearly
            $ kubectl get cronjobs --watch --request-timeout=1s
            NAME     SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
            yearly   0 0 1 1 *   <none>     False     0        <none>          0s
        "#]],
    );
}

#[test]
fn set_changes_a_cronjobs_job_template() {
    check(
        "kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date
kubectl set image cronjob/tick tick=busybox:1.36
kubectl set env cj/tick MODE=fast
kubectl get cj tick -o wide
kubectl get cj tick -o jsonpath='{.spec.jobTemplate.spec.template.spec.containers[0].env}{\"\\n\"}'",
        expect![[r#"
            $ kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date
            cronjob.batch/tick created
            $ kubectl set image cronjob/tick tick=busybox:1.36
            cronjob.batch/tick image updated
            $ kubectl set env cj/tick MODE=fast
            cronjob.batch/tick env updated
            $ kubectl get cj tick -o wide
            NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS   IMAGES         SELECTOR
            tick   */5 * * * *   <none>     False     0        <none>          0s    tick         busybox:1.36   <none>
            $ kubectl get cj tick -o jsonpath='{.spec.jobTemplate.spec.template.spec.containers[0].env}{"\n"}'
            [{"name":"MODE","value":"fast"}]
        "#]],
    );
}

#[test]
fn create_job_from_a_cronjobs_template() {
    // The template's labels and annotations go on the Job, its annotations over the mark.
    check(
        "kubectl create ns ops
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: ops
spec:
  schedule: '0 6 * * 1'
  jobTemplate:
    metadata:
      labels:
        app: report
      annotations:
        team: ops
        cronjob.kubernetes.io/instantiate: weekly
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: report
            image: busybox
            command: [sh, -c, 'echo weekly report']
EOF
kubectl -n ops create job report-now --from=cronjob/report --dry-run=client -o json | jq -c '.metadata, .spec.backoffLimit'
kubectl -n ops create job report-now --from=cj/report
kubectl -n ops get jobs --show-labels",
        expect![[r#"
            $ kubectl create ns ops
            namespace/ops created
            $ kubectl apply -f - <<EOF
            cronjob.batch/report created
            $ kubectl -n ops create job report-now --from=cronjob/report --dry-run=client -o json | jq -c '.metadata, .spec.backoffLimit'
            {"name":"report-now","namespace":"ops","labels":{"app":"report"},"annotations":{"cronjob.kubernetes.io/instantiate":"weekly","team":"ops"},"ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"report","uid":"439401c5-3ed0-470b-bb3f-b2f0cfd1060a","controller":true}]}
            2
            $ kubectl -n ops create job report-now --from=cj/report
            job.batch/report-now created
            $ kubectl -n ops get jobs --show-labels
            NAME         STATUS    COMPLETIONS   DURATION   AGE   LABELS
            report-now   Running   0/1                      0s    app=report
        "#]],
    );
}

#[test]
fn jobs_cronjobs_daemonsets_and_preemption_over_time() {
    // The controllers act as simulated time passes (`sleep`, `kubectl wait`, `rollout status`).
    check(
        "kubectl create job hello --image=busybox:1.36 -- sh -c 'echo Hello from $(hostname); sleep 2; echo bye'
kubectl wait --for=condition=complete job/hello --timeout=30s
kubectl get jobs
kubectl logs job/hello
kubectl get pods -l job-name=hello
kubectl create cronjob tick --image=busybox:1.36 --schedule='*/1 * * * *' -- date
sleep 75
kubectl get cronjobs
kubectl get jobs --no-headers | grep -c tick
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sleep\", \"infinity\"]
EOF
kubectl rollout status daemonset/agent
node add node-4 --cpu 4 --memory 8Gi
sleep 10
kubectl get ds agent
kubectl get pods -l app=agent -o jsonpath='{range .items[*]}{.spec.nodeName}{\"\\n\"}{end}' | sort
kubectl set image ds/agent agent=busybox:1.37
kubectl rollout status ds/agent
kubectl describe ds agent | head -12
kubectl create priorityclass high --value=1000
kubectl get pc
kubectl create deployment filler --image=nginx:1.25 --replicas=8
kubectl set resources deployment filler --requests=cpu=1500m
kubectl rollout status deployment/filler --timeout=60s
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: urgent
spec:
  priorityClassName: high
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests:
        cpu: \"2\"
EOF
kubectl wait --for=condition=Ready pod/urgent --timeout=60s
kubectl get pod urgent -o jsonpath='{.spec.priority} {.status.nominatedNodeName} {.spec.nodeName}{\"\\n\"}'
kubectl get events --field-selector reason=Preempted --no-headers | wc -l
kubectl get pods -l app=filler --field-selector status.phase=Pending --no-headers | wc -l",
        expect![[r#"
            $ kubectl create job hello --image=busybox:1.36 -- sh -c 'echo Hello from $(hostname); sleep 2; echo bye'
            job.batch/hello created
            $ kubectl wait --for=condition=complete job/hello --timeout=30s
            job.batch/hello condition met
            $ kubectl get jobs
            NAME    STATUS     COMPLETIONS   DURATION   AGE
            hello   Complete   1/1           4s         4s
            $ kubectl logs job/hello
            Hello from hello-9fhxl
            bye
            $ kubectl get pods -l job-name=hello
            NAME          READY   STATUS      RESTARTS   AGE
            hello-9fhxl   0/1     Completed   0          4s
            $ kubectl create cronjob tick --image=busybox:1.36 --schedule='*/1 * * * *' -- date
            cronjob.batch/tick created
            $ sleep 75
            $ kubectl get cronjobs
            NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
            tick   */1 * * * *   <none>     False     0        20s             75s
            $ kubectl get jobs --no-headers | grep -c tick
            1
            $ kubectl apply -f - <<EOF
            daemonset.apps/agent created
            $ kubectl rollout status daemonset/agent
            Waiting for daemon set spec update to be observed...
            Waiting for daemon set "agent" rollout to finish: 0 out of 3 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 0 of 3 updated pods are available...
            Waiting for daemon set "agent" rollout to finish: 1 of 3 updated pods are available...
            Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...
            daemon set "agent" successfully rolled out
            $ node add node-4 --cpu 4 --memory 8Gi
            node/node-4 created
            $ sleep 10
            $ kubectl get ds agent
            NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE
            agent   4         4         4       4            4           <none>          11s
            $ kubectl get pods -l app=agent -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort
            node-1
            node-2
            node-3
            node-4
            $ kubectl set image ds/agent agent=busybox:1.37
            daemonset.apps/agent image updated
            $ kubectl rollout status ds/agent
            Waiting for daemon set spec update to be observed...
            Waiting for daemon set "agent" rollout to finish: 0 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 1 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 1 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 2 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 2 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 3 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 3 out of 4 new pods have been updated...
            Waiting for daemon set "agent" rollout to finish: 3 of 4 updated pods are available...
            daemon set "agent" successfully rolled out
            $ kubectl describe ds agent | head -12
            Name:           agent
            Namespace:      default
            Selector:       app=agent
            Node-Selector:  <none>
            Labels:         <none>
            Annotations:    deprecated.daemonset.template.generation: 2
            Desired Number of Nodes Scheduled: 4
            Current Number of Nodes Scheduled: 4
            Number of Nodes Scheduled with Up-to-date Pods: 4
            Number of Nodes Scheduled with Available Pods: 4
            Number of Nodes Misscheduled: 0
            Pods Status:  4 Running / 0 Waiting / 0 Succeeded / 0 Failed
            $ kubectl create priorityclass high --value=1000
            priorityclass.scheduling.k8s.io/high created
            $ kubectl get pc
            NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY
            high   1000    false            0s    PreemptLowerPriority
            $ kubectl create deployment filler --image=nginx:1.25 --replicas=8
            deployment.apps/filler created
            $ kubectl set resources deployment filler --requests=cpu=1500m
            deployment.apps/filler resource requirements updated
            $ kubectl rollout status deployment/filler --timeout=60s
            Waiting for deployment spec update to be observed...
            Waiting for deployment "filler" rollout to finish: 0 out of 8 new replicas have been updated...
            Waiting for deployment "filler" rollout to finish: 0 of 8 updated replicas are available...
            Waiting for deployment "filler" rollout to finish: 2 of 8 updated replicas are available...
            Waiting for deployment "filler" rollout to finish: 4 of 8 updated replicas are available...
            Waiting for deployment "filler" rollout to finish: 6 of 8 updated replicas are available...
            deployment "filler" successfully rolled out
            $ kubectl apply -f - <<EOF
            pod/urgent created
            $ kubectl wait --for=condition=Ready pod/urgent --timeout=60s
            pod/urgent condition met
            $ kubectl get pod urgent -o jsonpath='{.spec.priority} {.status.nominatedNodeName} {.spec.nodeName}{"\n"}'
            1000 node-1 node-1
            $ kubectl get events --field-selector reason=Preempted --no-headers | wc -l
            1
            $ kubectl get pods -l app=filler --field-selector status.phase=Pending --no-headers | wc -l
            1
        "#]],
    );
}

#[test]
fn network_policies_get_describe_and_curl() {
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=2
kubectl expose deployment web --port=80
kubectl run client --image=busybox:1.36 --labels=role=client -- sleep 3600
kubectl run intruder --image=busybox:1.36 -- sleep 3600
kubectl rollout status deployment/web
kubectl wait --for=condition=Ready pod/client pod/intruder --timeout=60s
sleep 2
kubectl exec intruder -- wget -qO- -T 2 web | head -4
kubectl apply -f - <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-clients
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: client
    ports:
    - protocol: TCP
      port: 80
EOF
kubectl get networkpolicies
kubectl describe netpol web-from-clients
kubectl exec client -- curl -s -o /dev/null -w '%{http_code}\\n' web
kubectl exec intruder -- curl -s -m 2 web
kubectl exec intruder -- wget -qO- -T 2 web",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2
            deployment.apps/web created
            $ kubectl expose deployment web --port=80
            service/web exposed
            $ kubectl run client --image=busybox:1.36 --labels=role=client -- sleep 3600
            pod/client created
            $ kubectl run intruder --image=busybox:1.36 -- sleep 3600
            pod/intruder created
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl wait --for=condition=Ready pod/client pod/intruder --timeout=60s
            pod/client condition met
            pod/intruder condition met
            $ sleep 2
            $ kubectl exec intruder -- wget -qO- -T 2 web | head -4
            <!DOCTYPE html>
            <html>
            <head>
            <title>Welcome to nginx!</title>
            $ kubectl apply -f - <<EOF
            networkpolicy.networking.k8s.io/web-from-clients created
            $ kubectl get networkpolicies
            NAME               POD-SELECTOR   AGE
            web-from-clients   app=web        0s
            $ kubectl describe netpol web-from-clients
            Name:         web-from-clients
            Namespace:    default
            Created on:   2026-01-01 00:00:08 +0000 UTC
            Labels:       <none>
            Annotations:  <none>
            Spec:
              PodSelector:     app=web
              Allowing ingress traffic:
                To Port: 80/TCP
                From:
                  PodSelector: role=client
              Not affecting egress traffic
              Policy Types: Ingress
            Events:  <none>
            $ kubectl exec client -- curl -s -o /dev/null -w '%{http_code}\n' web
            200
            $ kubectl exec intruder -- curl -s -m 2 web
            ! curl: (28) Failed to connect to web port 80 after 2001 ms: Timeout was reached
            ! command terminated with exit code 28
            [exit 28]
            $ kubectl exec intruder -- wget -qO- -T 2 web
            ! wget: download timed out
            ! command terminated with exit code 1
            [exit 1]
        "#]],
    );
}

#[test]
fn disruption_budgets_hold_a_drain() {
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=3
kubectl rollout status deployment/web
kubectl create pdb web --selector=app=web --min-available=3
kubectl create pdb bad --selector=app=web
sleep 1
kubectl get pdb
kubectl describe pdb web
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sleep\", \"infinity\"]
EOF
sleep 5
kubectl drain node-1
kubectl drain node-1 --ignore-daemonsets --timeout=12s
kubectl patch pdb web -p '{\"spec\":{\"minAvailable\":2}}'
sleep 1
kubectl get pdb web
kubectl drain node-1 --ignore-daemonsets
sleep 5
kubectl get pods -l app=web -o wide --no-headers | awk '{print $3, $7}' | sort",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=3
            deployment.apps/web created
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl create pdb web --selector=app=web --min-available=3
            poddisruptionbudget.policy/web created
            $ kubectl create pdb bad --selector=app=web
            ! error: one of min-available or max-unavailable must be specified
            [exit 1]
            $ sleep 1
            $ kubectl get pdb
            NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE
            web    3               N/A               0                     1s
            $ kubectl describe pdb web
            Name:           web
            Namespace:      default
            Min available:  3
            Selector:       app=web
            Status:
                Allowed disruptions:  0
                Current:              3
                Desired:              3
                Total:                3
            Events:                   <none>
            $ kubectl apply -f - <<EOF
            daemonset.apps/agent created
            $ sleep 5
            $ kubectl drain node-1
            node/node-1 cordoned
            ! error: unable to drain node "node-1" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-2qszg, continuing command...
            ! There are pending nodes to be drained:
            !  node-1
            ! error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-2qszg
            [exit 1]
            $ kubectl drain node-1 --ignore-daemonsets --timeout=12s
            node/node-1 already cordoned
            evicting pod default/web-6df7ccfbbd-pnb25
            ! Warning: ignoring DaemonSet-managed Pods: default/agent-2qszg
            ! error when evicting pods/"web-6df7ccfbbd-pnb25" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.
            ! error when evicting pods/"web-6df7ccfbbd-pnb25" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.
            ! error when evicting pods/"web-6df7ccfbbd-pnb25" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.
            ! error: unable to drain node "node-1" due to error: error when evicting pods/"web-6df7ccfbbd-pnb25" -n "default": global timeout reached: 12s, continuing command...
            ! There are pending nodes to be drained:
            !  node-1
            [exit 1]
            $ kubectl patch pdb web -p '{"spec":{"minAvailable":2}}'
            poddisruptionbudget.policy/web patched
            $ sleep 1
            $ kubectl get pdb web
            NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE
            web    2               N/A               1                     17s
            $ kubectl drain node-1 --ignore-daemonsets
            node/node-1 already cordoned
            evicting pod default/web-6df7ccfbbd-pnb25
            pod/web-6df7ccfbbd-pnb25 evicted
            node/node-1 drained
            ! Warning: ignoring DaemonSet-managed Pods: default/agent-2qszg
            $ sleep 5
            $ kubectl get pods -l app=web -o wide --no-headers | awk '{print $3, $7}' | sort
            Running node-2
            Running node-3
            Running node-3
        "#]],
    );
}

#[test]
fn resource_quotas_and_limit_ranges() {
    check(
        "kubectl create namespace team
kubectl create quota compute -n team --hard=pods=2,requests.cpu=1,limits.cpu=2,requests.memory=1Gi,limits.memory=2Gi
kubectl create quota objects -n team --hard=count/deployments.apps=5,configmaps=3 --scopes=NotTerminating --dry-run=client -o yaml
kubectl run web -n team --image=nginx:1.27
kubectl create deployment api -n team --image=nginx:1.27 --replicas=3
sleep 2
kubectl get deploy,rs -n team
kubectl get events -n team --field-selector reason=FailedCreate
kubectl get deployment api -n team -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{\"\\n\"}{end}'
kubectl apply -n team -f - <<EOF
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
      memory: 512Mi
    defaultRequest:
      cpu: 250m
      memory: 256Mi
    max:
      cpu: \"1\"
EOF
kubectl run big -n team --image=nginx:1.27 --overrides='{\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"nginx:1.27\",\"resources\":{\"limits\":{\"cpu\":\"2\"}}}]}}'
sleep 11
kubectl get pods -n team
kubectl get pod -n team -l app=api -o yaml | grep limit-ranger
kubectl get events -n team --field-selector reason=FailedCreate
kubectl get quota,limits -n team
kubectl get rs -n team -o jsonpath='{.items[0].status.conditions}'
echo
kubectl describe quota compute -n team
kubectl describe limitrange defaults -n team
kubectl describe namespace team",
        expect![[r#"
            $ kubectl create namespace team
            namespace/team created
            $ kubectl create quota compute -n team --hard=pods=2,requests.cpu=1,limits.cpu=2,requests.memory=1Gi,limits.memory=2Gi
            resourcequota/compute created
            $ kubectl create quota objects -n team --hard=count/deployments.apps=5,configmaps=3 --scopes=NotTerminating --dry-run=client -o yaml
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: objects
              namespace: team
            spec:
              hard:
                configmaps: "3"
                count/deployments.apps: "5"
              scopes:
              - NotTerminating
            status: {}
            $ kubectl run web -n team --image=nginx:1.27
            ! Error from server (Forbidden): pods "web" is forbidden: failed quota: compute: must specify limits.cpu for: web; limits.memory for: web; requests.cpu for: web; requests.memory for: web
            [exit 1]
            $ kubectl create deployment api -n team --image=nginx:1.27 --replicas=3
            deployment.apps/api created
            $ sleep 2
            $ kubectl get deploy,rs -n team
            NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/api   0/3     0            0           2s

            NAME                             DESIRED   CURRENT   READY   AGE
            replicaset.apps/api-6994797d7b   3         0         0       1s
            $ kubectl get events -n team --field-selector reason=FailedCreate
            LAST SEEN   TYPE      REASON         OBJECT                      MESSAGE
            1s          Warning   FailedCreate   replicaset/api-6994797d7b   Error creating: pods "api-6994797d7b-" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx
            $ kubectl get deployment api -n team -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}'
            Progressing=True NewReplicaSetCreated: Created new replica set "api-6994797d7b"
            Available=False MinimumReplicasUnavailable: Deployment does not have minimum availability.
            ReplicaFailure=True FailedCreate: pods "api-6994797d7b-" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx
            $ kubectl apply -n team -f - <<EOF
            limitrange/defaults created
            $ kubectl run big -n team --image=nginx:1.27 --overrides='{"spec":{"containers":[{"name":"big","image":"nginx:1.27","resources":{"limits":{"cpu":"2"}}}]}}'
            ! Error from server (Forbidden): pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2
            [exit 1]
            $ sleep 11
            $ kubectl get pods -n team
            NAME                   READY   STATUS              RESTARTS   AGE
            api-6994797d7b-gkkdh   0/1     ContainerCreating   0          2s
            api-6994797d7b-n8spl   0/1     ContainerCreating   0          2s
            $ kubectl get pod -n team -l app=api -o yaml | grep limit-ranger
                  kubernetes.io/limit-ranger: 'LimitRanger plugin set: cpu, memory request for
                  kubernetes.io/limit-ranger: 'LimitRanger plugin set: cpu, memory request for
            $ kubectl get events -n team --field-selector reason=FailedCreate
            LAST SEEN   TYPE      REASON         OBJECT                      MESSAGE
            12s         Warning   FailedCreate   replicaset/api-6994797d7b   Error creating: pods "api-6994797d7b-" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx
            2s          Warning   FailedCreate   replicaset/api-6994797d7b   Error creating: pods "api-6994797d7b-" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2
            $ kubectl get quota,limits -n team
            NAME                    REQUEST                                                       LIMIT                                     AGE
            resourcequota/compute   pods: 2/2, requests.cpu: 500m/1, requests.memory: 512Mi/1Gi   limits.cpu: 1/2, limits.memory: 1Gi/2Gi   13s

            NAME                  CREATED AT
            limitrange/defaults   2026-01-01T00:00:03Z
            $ kubectl get rs -n team -o jsonpath='{.items[0].status.conditions}'
            [{"lastTransitionTime":"2026-01-01T00:00:01Z","message":"pods \"api-6994797d7b-\" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx","reason":"FailedCreate","status":"True","type":"ReplicaFailure"}]$ echo

            $ kubectl describe quota compute -n team
            Name:            compute
            Namespace:       team
            Resource         Used   Hard
            --------         ----   ----
            limits.cpu       1      2
            limits.memory    1Gi    2Gi
            pods             2      2
            requests.cpu     500m   1
            requests.memory  512Mi  1Gi
            $ kubectl describe limitrange defaults -n team
            Name:       defaults
            Namespace:  team
            Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
            ----        --------  ---  ---  ---------------  -------------  -----------------------
            Container   cpu       -    1    250m             500m           -
            Container   memory    -    -    256Mi            512Mi          -
            $ kubectl describe namespace team
            Name:         team
            Labels:       kubernetes.io/metadata.name=team
            Annotations:  <none>
            Status:       Active

            Resource Quotas
              Name:            compute
              Resource         Used   Hard
              --------         ---    ---
              limits.cpu       1      2
              limits.memory    1Gi    2Gi
              pods             2      2
              requests.cpu     500m   1
              requests.memory  512Mi  1Gi

            Resource Limits
             Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
             ----       --------  ---  ---  ---------------  -------------  -----------------------
             Container  cpu       -    1    250m             500m           -
             Container  memory    -    -    256Mi            512Mi          -
        "#]],
    );
}

#[test]
fn ingresses_route_by_host_and_path() {
    check(
        "kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80
kubectl expose deployment web --port=80
kubectl create deployment api --image=httpd:2.4 --port=80
kubectl expose deployment api --port=8080 --target-port=80
kubectl create ingress shop --class=nginx --rule=shop.example.com/=web:80 --rule=shop.example.com/api*=api:8080,tls=shop-tls
kubectl run client --image=busybox:1.36 -- sleep infinity
kubectl rollout status deployment/web
kubectl rollout status deployment/api
sleep 2
kubectl get ingress
kubectl apply -f - <<EOF
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
EOF
sleep 1
kubectl get ingress,ingressclass
kubectl describe ingress shop
kubectl exec client -- curl -s -H 'Host: shop.example.com' http://172.18.0.2/ | grep title
kubectl exec client -- curl -s http://shop.example.com/api/v1
kubectl exec client -- curl -s -o /dev/null -w '%{http_code}\\n' http://shop.example.com/apix
kubectl exec client -- curl -s -H 'Host: other.org' http://172.18.0.2/
kubectl exec client -- wget -qO- http://172.18.0.2/
kubectl create ingress bad --rule=x.com/=svc
traffic ing/shop --rps 10 --path /api/orders
traffic ing/shop --host other.org
sleep 3
traffic status
traffic stop
kubectl get ingress shop -o jsonpath='{.status.loadBalancer.ingress[0].ip}'",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80
            deployment.apps/web created
            $ kubectl expose deployment web --port=80
            service/web exposed
            $ kubectl create deployment api --image=httpd:2.4 --port=80
            deployment.apps/api created
            $ kubectl expose deployment api --port=8080 --target-port=80
            service/api exposed
            $ kubectl create ingress shop --class=nginx --rule=shop.example.com/=web:80 --rule=shop.example.com/api*=api:8080,tls=shop-tls
            ingress.networking.k8s.io/shop created
            $ kubectl run client --image=busybox:1.36 -- sleep infinity
            pod/client created
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl rollout status deployment/api
            deployment "api" successfully rolled out
            $ sleep 2
            $ kubectl get ingress
            NAME   CLASS   HOSTS              ADDRESS   PORTS     AGE
            shop   nginx   shop.example.com             80, 443   7s
            $ kubectl apply -f - <<EOF
            ingressclass.networking.k8s.io/nginx created
            $ sleep 1
            $ kubectl get ingress,ingressclass
            NAME                             CLASS   HOSTS              ADDRESS      PORTS     AGE
            ingress.networking.k8s.io/shop   nginx   shop.example.com   172.18.0.2   80, 443   8s

            NAME                                   CONTROLLER             PARAMETERS   AGE
            ingressclass.networking.k8s.io/nginx   k8s.io/ingress-nginx   <none>       1s
            $ kubectl describe ingress shop
            Name:             shop
            Labels:           <none>
            Namespace:        default
            Address:          172.18.0.2
            Ingress Class:    nginx
            Default backend:  <default>
            TLS:
              shop-tls terminates shop.example.com
            Rules:
              Host              Path  Backends
              ----              ----  --------
              shop.example.com  
                                /      web:80 (10.244.1.5:80,10.244.3.6:80)
                                /api   api:8080 (10.244.2.4:80)
            Annotations:        <none>
            Events:             <none>
            $ kubectl exec client -- curl -s -H 'Host: shop.example.com' http://172.18.0.2/ | grep title
            <title>Welcome to nginx!</title>
            $ kubectl exec client -- curl -s http://shop.example.com/api/v1
            Hello from httpd:2.4
            $ kubectl exec client -- curl -s -o /dev/null -w '%{http_code}\n' http://shop.example.com/apix
            404
            $ kubectl exec client -- curl -s -H 'Host: other.org' http://172.18.0.2/
            <html>
            <head><title>404 Not Found</title></head>
            <body>
            <center><h1>404 Not Found</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            $ kubectl exec client -- wget -qO- http://172.18.0.2/
            ! wget: server returned error: HTTP/1.1 404 Not Found
            ! command terminated with exit code 1
            [exit 1]
            $ kubectl create ingress bad --rule=x.com/=svc
            ! error: rule x.com/=svc is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]
            [exit 1]
            $ traffic ing/shop --rps 10 --path /api/orders
            traffic: 10 requests/s to service/api through ingress/shop (http://shop.example.com/api/orders)
            $ traffic ing/shop --host other.org
            ! traffic: ingress-nginx answers http://other.org/ with 404 Not Found: no rule matches
            [exit 1]
            $ sleep 3
            $ traffic status
            SERVICE       RPS   OK    FAILED   SINCE
            default/api   10    30    0        3s
            $ traffic stop
            traffic stopped
            $ kubectl get ingress shop -o jsonpath='{.status.loadBalancer.ingress[0].ip}'
            172.18.0.2"#]],
    );
}
