//! Console snapshots of storage and StatefulSets as a lab runs them: claims with the default
//! class, a pod waiting for a claim that does not exist, files that outlive a pod, and a
//! StatefulSet's ordered pods, claims, scaling and rolling update, and an autoscaler following
//! traffic.

mod common;

use common::{check, session};
use expect_test::expect;

const CLAIM: &str = "kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
EOF";

const POD: &str = "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /usr/share/nginx/html
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
EOF";

#[test]
fn a_claim_waits_for_its_first_pod_and_keeps_its_files() {
    let mut s = session();
    check(&mut s, &format!("kubectl get storageclass\n{CLAIM}\nsleep 2\nkubectl get pvc\nkubectl describe pvc data"), expect![[r#"
        $ kubectl get storageclass
        NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE
        standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  1s
        $ kubectl apply -f - <<EOF
        persistentvolumeclaim/data created
        $ sleep 2
        $ kubectl get pvc
        NAME   STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
        data   Pending                                      standard       <unset>                 2s
        $ kubectl describe pvc data
        Name:          data
        Namespace:     default
        StorageClass:  standard
        Status:        Pending
        Volume:        
        Labels:        <none>
        Annotations:   <none>
        Finalizers:    [kubernetes.io/pvc-protection]
        Capacity:      
        Access Modes:  
        VolumeMode:    Filesystem
        Used By:       <none>
        Events:
          Type    Reason                Age   From                         Message
          ----    ------                ----  ----                         -------
          Normal  WaitForFirstConsumer  1s    persistentvolume-controller  waiting for first consumer to be created before binding
    "#]]);
    check(
        &mut s,
        &format!("{POD}\nsleep 10\nkubectl get pvc,pv\nkubectl exec app -- sh -c 'echo hello > /usr/share/nginx/html/index.html'\nkubectl exec app -- cat /usr/share/nginx/html/index.html\nkubectl exec app -- sh -c 'echo scratch > /tmp/x; cat /tmp/x'\nkubectl delete pod app\n{POD}\nsleep 10\nkubectl exec app -- cat /usr/share/nginx/html/index.html\nkubectl exec app -- cat /tmp/x"),
        expect![[r#"
            $ kubectl apply -f - <<EOF
            pod/app created
            $ sleep 10
            $ kubectl get pvc,pv
            NAME                         STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            persistentvolumeclaim/data   Bound    pvc-f5388254-2839-4d9e-a46a-deb140800f4a   1Gi        RWO            standard       <unset>                 12s

            NAME                                                        CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM          STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE
            persistentvolume/pvc-f5388254-2839-4d9e-a46a-deb140800f4a   1Gi        RWO            Delete           Bound    default/data   standard       <unset>                          8s
            $ kubectl exec app -- sh -c 'echo hello > /usr/share/nginx/html/index.html'
            $ kubectl exec app -- cat /usr/share/nginx/html/index.html
            hello
            $ kubectl exec app -- sh -c 'echo scratch > /tmp/x; cat /tmp/x'
            scratch
            $ kubectl delete pod app
            pod "app" deleted from default namespace
            $ kubectl apply -f - <<EOF
            pod/app created
            $ sleep 10
            $ kubectl exec app -- cat /usr/share/nginx/html/index.html
            hello
            $ kubectl exec app -- cat /tmp/x
            ! cat: /tmp/x: No such file or directory
            ! command terminated with exit code 1
            [exit 1]
        "#]],
    );
    check(
        &mut s,
        "kubectl delete pvc data --wait=false\nkubectl get pvc\nkubectl delete pod app\nsleep 3\nkubectl get pvc,pv",
        expect![[r#"
            $ kubectl delete pvc data --wait=false
            persistentvolumeclaim "data" deleted from default namespace
            $ kubectl get pvc
            NAME   STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            data   Terminating   pvc-f5388254-2839-4d9e-a46a-deb140800f4a   1Gi        RWO            standard       <unset>                 22s
            $ kubectl delete pod app
            pod "app" deleted from default namespace
            $ sleep 3
            $ kubectl get pvc,pv
            ! No resources found in default namespace.
        "#]],
    );
}

#[test]
fn a_pod_whose_claim_is_missing_stays_pending() {
    let mut s = session();
    check(
        &mut s,
        &format!("{POD}\nsleep 3\nkubectl get pod app\nkubectl describe pod app | tail -4\n{CLAIM}\nsleep 10\nkubectl get pod app"),
        expect![[r#"
            $ kubectl apply -f - <<EOF
            pod/app created
            $ sleep 3
            $ kubectl get pod app
            NAME   READY   STATUS    RESTARTS   AGE
            app    0/1     Pending   0          3s
            $ kubectl describe pod app | tail -4
            Events:
              Type     Reason            Age   From               Message
              ----     ------            ----  ----               -------
              Warning  FailedScheduling  2s    default-scheduler  0/3 nodes are available: persistentvolumeclaim "data" not found. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
            $ kubectl apply -f - <<EOF
            persistentvolumeclaim/data created
            $ sleep 10
            $ kubectl get pod app
            NAME   READY   STATUS    RESTARTS   AGE
            app    1/1     Running   0          13s
        "#]],
    );
}

#[test]
fn a_volume_made_by_hand_binds_by_class_and_size() {
    let mut s = session();
    check(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-log
spec:
  capacity:
    storage: 100Mi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: manual
  hostPath:
    path: /pv/log
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim-log-1
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 50Mi
EOF
sleep 2
kubectl get pv,pvc
kubectl describe pvc claim-log-1 | tail -3
kubectl patch pvc claim-log-1 -p '{\"spec\":{\"accessModes\":[\"ReadWriteMany\"]}}'
kubectl delete pvc claim-log-1
kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim-log-1
spec:
  storageClassName: manual
  accessModes: [ReadWriteMany]
  resources:
    requests:
      storage: 50Mi
EOF
sleep 2
kubectl get pv,pvc
kubectl describe pv pv-log",
        expect![[r#"
            $ kubectl apply -f - <<EOF
            persistentvolume/pv-log created
            persistentvolumeclaim/claim-log-1 created
            $ sleep 2
            $ kubectl get pv,pvc
            NAME                      CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM   STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE
            persistentvolume/pv-log   100Mi      RWX            Retain           Available           manual         <unset>                          2s

            NAME                                STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            persistentvolumeclaim/claim-log-1   Pending                                      manual         <unset>                 2s
            $ kubectl describe pvc claim-log-1 | tail -3
              Type     Reason              Age   From                         Message
              ----     ------              ----  ----                         -------
              Warning  ProvisioningFailed  1s    persistentvolume-controller  storageclass.storage.k8s.io "manual" not found
            $ kubectl patch pvc claim-log-1 -p '{"spec":{"accessModes":["ReadWriteMany"]}}'
            ! The PersistentVolumeClaim "claim-log-1" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims
            [exit 1]
            $ kubectl delete pvc claim-log-1
            persistentvolumeclaim "claim-log-1" deleted from default namespace
            $ kubectl apply -f - <<EOF
            persistentvolumeclaim/claim-log-1 created
            $ sleep 2
            $ kubectl get pv,pvc
            NAME                      CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM                 STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE
            persistentvolume/pv-log   100Mi      RWX            Retain           Bound    default/claim-log-1   manual         <unset>                          4s

            NAME                                STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            persistentvolumeclaim/claim-log-1   Bound    pv-log   100Mi      RWX            manual         <unset>                 2s
            $ kubectl describe pv pv-log
            Name:            pv-log
            Labels:          <none>
            Annotations:     pv.kubernetes.io/bound-by-controller: yes
            Finalizers:      [kubernetes.io/pv-protection]
            StorageClass:    manual
            Status:          Bound
            Claim:           default/claim-log-1
            Reclaim Policy:  Retain
            Access Modes:    RWX
            VolumeMode:      Filesystem
            Capacity:        100Mi
            Node Affinity:   <none>
            Message:         
            Source:
                Type:          HostPath (bare host directory volume)
                Path:          /pv/log
                HostPathType:  
            Events:            <none>
        "#]],
    );
}

#[test]
fn a_stateful_set_runs_in_order() {
    let mut s = session();
    check(
        &mut s,
        "kubectl create service clusterip nginx --clusterip=None
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
EOF
kubectl rollout status statefulset/web
kubectl get sts,pods,pvc
kubectl exec web-1 -- hostname
kubectl exec web-1 -- nslookup web-0.nginx
kubectl exec web-1 -- nslookup nginx | grep -c Address
kubectl scale sts web --replicas=1
sleep 5
kubectl get pods,pvc
kubectl scale sts web --replicas=2
kubectl set image sts/web nginx=nginx:1.26
kubectl rollout status sts/web
kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
kubectl describe sts web
kubectl rollout history sts/web
kubectl rollout undo sts/web
kubectl rollout status sts/web
kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
kubectl rollout history sts/web
kubectl get controllerrevisions
kubectl rollout undo sts/web --to-revision=9
kubectl rollout restart sts/web
kubectl get sts web -o wide",
        expect![[r#"
            $ kubectl create service clusterip nginx --clusterip=None
            service/nginx created
            $ kubectl apply -f - <<EOF
            statefulset.apps/web created
            $ kubectl rollout status statefulset/web
            Waiting for statefulset spec update to be observed...
            Waiting for 3 pods to be ready...
            Waiting for 2 pods to be ready...
            Waiting for 1 pods to be ready...
            statefulset rolling update complete 3 pods at revision web-8486465cc6...
            $ kubectl get sts,pods,pvc
            NAME                   READY   AGE
            statefulset.apps/web   3/3     17s

            NAME        READY   STATUS    RESTARTS   AGE
            pod/web-0   1/1     Running   0          17s
            pod/web-1   1/1     Running   0          12s
            pod/web-2   1/1     Running   0          6s

            NAME                              STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            persistentvolumeclaim/www-web-0   Bound    pvc-2f27c4c8-cc76-456a-bb68-dacb355a2892   1Gi        RWO            standard       <unset>                 17s
            persistentvolumeclaim/www-web-1   Bound    pvc-3a010d32-e56c-431d-9ae0-e61a43717ed5   1Gi        RWO            standard       <unset>                 12s
            persistentvolumeclaim/www-web-2   Bound    pvc-525d5066-5a9c-4c2e-9caf-aa598da420b0   1Gi        RWO            standard       <unset>                 6s
            $ kubectl exec web-1 -- hostname
            web-1
            $ kubectl exec web-1 -- nslookup web-0.nginx
            Server:		10.96.0.10
            Address:	10.96.0.10:53

            Name:	web-0.nginx.default.svc.cluster.local
            Address: 10.244.3.3

            $ kubectl exec web-1 -- nslookup nginx | grep -c Address
            4
            $ kubectl scale sts web --replicas=1
            statefulset.apps/web scaled
            $ sleep 5
            $ kubectl get pods,pvc
            NAME        READY   STATUS    RESTARTS   AGE
            pod/web-0   1/1     Running   0          22s

            NAME                              STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
            persistentvolumeclaim/www-web-0   Bound    pvc-2f27c4c8-cc76-456a-bb68-dacb355a2892   1Gi        RWO            standard       <unset>                 22s
            persistentvolumeclaim/www-web-1   Bound    pvc-3a010d32-e56c-431d-9ae0-e61a43717ed5   1Gi        RWO            standard       <unset>                 17s
            persistentvolumeclaim/www-web-2   Bound    pvc-525d5066-5a9c-4c2e-9caf-aa598da420b0   1Gi        RWO            standard       <unset>                 11s
            $ kubectl scale sts web --replicas=2
            statefulset.apps/web scaled
            $ kubectl set image sts/web nginx=nginx:1.26
            statefulset.apps/web image updated
            $ kubectl rollout status sts/web
            Waiting for statefulset spec update to be observed...
            Waiting for 1 pods to be ready...
            Waiting for 1 pods to be ready...
            Waiting for 1 pods to be ready...
            statefulset rolling update complete 2 pods at revision web-7b6db4f75...
            $ kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
            NAME    IMAGE
            web-0   nginx:1.26
            web-1   nginx:1.26
            $ kubectl describe sts web
            Name:               web
            Namespace:          default
            CreationTimestamp:  Thu, 01 Jan 2026 00:00:01 +0000
            Selector:           app=nginx
            Labels:             <none>
            Annotations:        <none>
            Replicas:           2 desired | 2 total
            Update Strategy:    RollingUpdate
              Partition:        0
            Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
            Pod Template:
              Labels:  app=nginx
              Containers:
               nginx:
                Image:        nginx:1.26
                Port:         <none>
                Host Port:    <none>
                Environment:  <none>
                Mounts:
                  /usr/share/nginx/html from www (rw)
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Volume Claims:
              Name:          www
              StorageClass:  
              Labels:        <none>
              Annotations:   <none>
              Capacity:      1Gi
              Access Modes:  [ReadWriteOnce]
            Events:
              Type    Reason            Age               From                    Message
              ----    ------            ----              ----                    -------
              Normal  SuccessfulCreate  32s               statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
              Normal  SuccessfulCreate  27s               statefulset-controller  create Claim www-web-1 Pod web-1 in StatefulSet web success
              Normal  SuccessfulCreate  21s               statefulset-controller  create Claim www-web-2 Pod web-2 in StatefulSet web success
              Normal  SuccessfulCreate  21s               statefulset-controller  create Pod web-2 in StatefulSet web successful
              Normal  SuccessfulDelete  14s               statefulset-controller  delete Pod web-2 in StatefulSet web successful
              Normal  SuccessfulDelete  14s               statefulset-controller  delete Pod web-1 in StatefulSet web successful
              Normal  SuccessfulCreate  9s (x2 over 27s)  statefulset-controller  create Pod web-1 in StatefulSet web successful
              Normal  SuccessfulDelete  4s                statefulset-controller  delete Pod web-0 in StatefulSet web successful
              Normal  SuccessfulCreate  4s (x2 over 32s)  statefulset-controller  create Pod web-0 in StatefulSet web successful
            $ kubectl rollout history sts/web
            statefulset.apps/web 
            REVISION  CHANGE-CAUSE
            1         <none>
            2         <none>

            $ kubectl rollout undo sts/web
            statefulset.apps/web rolled back
            $ kubectl rollout status sts/web
            Waiting for statefulset spec update to be observed...
            Waiting for 1 pods to be ready...
            Waiting for 1 pods to be ready...
            Waiting for 1 pods to be ready...
            Waiting for 1 pods to be ready...
            statefulset rolling update complete 2 pods at revision web-8486465cc6...
            $ kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
            NAME    IMAGE
            web-0   nginx:1.25
            web-1   nginx:1.25
            $ kubectl rollout history sts/web
            statefulset.apps/web 
            REVISION  CHANGE-CAUSE
            2         <none>
            3         <none>

            $ kubectl get controllerrevisions
            NAME             CONTROLLER             REVISION   AGE
            web-7b6db4f75    statefulset.apps/web   2          11s
            web-8486465cc6   statefulset.apps/web   3          34s
            $ kubectl rollout undo sts/web --to-revision=9
            ! error: unable to find specified revision 9 in history
            [exit 1]
            $ kubectl rollout restart sts/web
            statefulset.apps/web restarted
            $ kubectl get sts web -o wide
            NAME   READY   AGE   CONTAINERS   IMAGES
            web    2/2     34s   nginx        nginx:1.25
        "#]],
    );
}

#[test]
fn an_autoscaler_follows_traffic() {
    let mut s = session();
    check(
        &mut s,
        "kubectl create deployment web --image=nginx:1.25 --replicas=2
kubectl set resources deployment web --requests=cpu=100m,memory=64Mi
kubectl expose deployment web --port=80
kubectl rollout status deployment/web
kubectl autoscale deployment web --cpu=50% --min=2 --max=8 --dry-run=client -o yaml
kubectl autoscale deployment web --cpu=50% --min=2 --max=8
kubectl autoscale deployment web --max=0
kubectl autoscale deployment nope --max=3
sleep 30
kubectl get hpa
traffic svc/web --rps 300
sleep 30
kubectl get hpa
kubectl top pods --no-headers | wc -l
sleep 60
kubectl get hpa
traffic stop
sleep 360
kubectl get hpa
kubectl describe hpa web | head -17",
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.25 --replicas=2
            deployment.apps/web created
            $ kubectl set resources deployment web --requests=cpu=100m,memory=64Mi
            deployment.apps/web resource requirements updated
            $ kubectl expose deployment web --port=80
            service/web exposed
            $ kubectl rollout status deployment/web
            Waiting for deployment spec update to be observed...
            Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
            Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
            Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...
            deployment "web" successfully rolled out
            $ kubectl autoscale deployment web --cpu=50% --min=2 --max=8 --dry-run=client -o yaml
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
            spec:
              maxReplicas: 8
              metrics:
              - resource:
                  name: cpu
                  target:
                    averageUtilization: 50
                    type: Utilization
                type: Resource
              minReplicas: 2
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: web
            status:
              currentMetrics: null
              desiredReplicas: 0
            $ kubectl autoscale deployment web --cpu=50% --min=2 --max=8
            horizontalpodautoscaler.autoscaling/web autoscaled
            $ kubectl autoscale deployment web --max=0
            ! error: --max=MAXPODS is required and must be at least 1, max: 0
            [exit 1]
            $ kubectl autoscale deployment nope --max=3
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 1]
            $ sleep 30
            $ kubectl get hpa
            NAME   REFERENCE        TARGETS       MINPODS   MAXPODS   REPLICAS   AGE
            web    Deployment/web   cpu: 1%/50%   2         8         2          30s
            $ traffic svc/web --rps 300
            traffic: 300 requests/s to service/web
            $ sleep 30
            $ kubectl get hpa
            NAME   REFERENCE        TARGETS         MINPODS   MAXPODS   REPLICAS   AGE
            web    Deployment/web   cpu: 130%/50%   2         8         6          60s
            $ kubectl top pods --no-headers | wc -l
            6
            $ sleep 60
            $ kubectl get hpa
            NAME   REFERENCE        TARGETS        MINPODS   MAXPODS   REPLICAS   AGE
            web    Deployment/web   cpu: 71%/50%   2         8         8          2m
            $ traffic stop
            traffic stopped
            $ sleep 360
            $ kubectl get hpa
            NAME   REFERENCE        TARGETS       MINPODS   MAXPODS   REPLICAS   AGE
            web    Deployment/web   cpu: 1%/50%   2         8         2          8m
            $ kubectl describe hpa web | head -17
            Name:                                                  web
            Namespace:                                             default
            Labels:                                                <none>
            Annotations:                                           <none>
            CreationTimestamp:                                     Thu, 01 Jan 2026 00:00:06 +0000
            Reference:                                             Deployment/web
            Metrics:                                               ( current / target )
              resource cpu on pods  (as a percentage of request):  1% (1m) / 50%
            Min replicas:                                          2
            Max replicas:                                          8
            Deployment pods:                                       2 current / 2 desired
            Conditions:
              Type            Status  Reason            Message
              ----            ------  ------            -------
              AbleToScale     True    ReadyForNewScale  recommended size matches current size
              ScalingActive   True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)
              ScalingLimited  True    TooFewReplicas    the desired replica count is less than the minimum replica count
        "#]],
    );
}

#[test]
fn a_quota_counts_claims_and_their_storage() {
    let mut s = session();
    check(
        &mut s,
        &format!(
            "kubectl create quota storage --hard=persistentvolumeclaims=2,requests.storage=1500Mi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1\n{CLAIM}\n{}\nsleep 1\nkubectl get quota storage -o jsonpath='{{.status.used}}'",
            CLAIM.replace("name: data", "name: more")
        ),
        expect![[r#"
            $ kubectl create quota storage --hard=persistentvolumeclaims=2,requests.storage=1500Mi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1
            resourcequota/storage created
            $ kubectl apply -f - <<EOF
            persistentvolumeclaim/data created
            $ kubectl apply -f - <<EOF
            ! Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "more" is forbidden: exceeded quota: storage, requested: requests.storage=1Gi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1, used: requests.storage=1Gi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1, limited: requests.storage=1500Mi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1
            [exit 1]
            $ sleep 1
            $ kubectl get quota storage -o jsonpath='{.status.used}'
            {"persistentvolumeclaims":"1","requests.storage":"1Gi","standard.storageclass.storage.k8s.io/persistentvolumeclaims":"1"}"#]],
    );
}
