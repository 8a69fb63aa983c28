// Jobs, CronJobs, DaemonSets and preemption as a user meets them on the board, through the DOM
// contract: a Job's finished pods leave the stack and hang from the top of their well, a
// CronJob fires on the simulated clock, a DaemonSet pod lands on a node added later, and a
// higher-priority pod preempts a lower-priority one, and a StatefulSet starts in order with a
// claim per pod whose data a re-created pod finds again, and an autoscaler adds replicas as
// traffic rises.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, describeErrors } from './lib/browser.mjs';

const T = 180_000;
let app;

function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-workloads-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

/** Runs a line through the page's API (resolves when a waiting command has finished). */
const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);
const pods = (page, owner) => page.evaluate((o) => [...document.querySelectorAll('[data-kind="pod"]')]
  .filter((p) => p.dataset.owner === o)
  .map((p) => ({ name: p.dataset.name, node: p.dataset.node, phase: p.dataset.phase, bottom: parseFloat(p.style.bottom) })), owner);

describe('kubeplay workloads', () => {
  before(async () => {
    app = await openApp({ query: '?seed=3', viewport: { width: 1280, height: 720 } });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('a Job runs to completion and its finished pods hang from the top of their wells', { timeout: T }, step('job', async (page) => {
    let out = await run(page, `kubectl apply -f - <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: render
spec:
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: render
        image: busybox:1.36
        command: ["sh", "-c", "echo frame $(hostname); sleep 3"]
        resources:
          requests:
            cpu: 500m
            memory: 512Mi
EOF`);
    assert.match(out, /job\.batch\/render created/);
    out = await run(page, 'kubectl wait --for=condition=complete job/render --timeout=60s');
    assert.match(out, /condition met/);
    out = await run(page, 'kubectl get job render --no-headers');
    assert.match(out, /render\s+Complete\s+4\/4/);
    out = await run(page, 'kubectl logs job/render');
    assert.match(out, /^frame render-[a-z0-9]{5}$/m);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')]
      .filter((p) => p.dataset.owner === 'render' && p.dataset.phase === 'Succeeded').length === 4, null, { timeout: 30_000 });
    for (const p of await pods(page, 'render')) {
      assert.ok(p.bottom > 50, `finished piece ${p.name} hangs from the top (bottom ${p.bottom}%)`);
    }
  }));

  it('a CronJob creates a Job each minute of simulated time', { timeout: T }, step('cronjob', async (page) => {
    let out = await run(page, "kubectl create cronjob tick --image=busybox:1.36 --schedule='* * * * *' -- date");
    assert.match(out, /cronjob\.batch\/tick created/);
    await run(page, 'sleep 130');
    out = await run(page, 'kubectl get jobs --no-headers');
    const ticks = out.split('\n').filter((l) => /^tick-\d+\s+Complete/.test(l));
    assert.ok(ticks.length >= 2, out);
    out = await run(page, 'kubectl get cronjob tick --no-headers');
    assert.match(out, /^tick\s+\* \* \* \* \*\s+<none>\s+False\s+\d\s+\d+s/, out);
  }));

  it('a DaemonSet puts a pod on every node, one added later too', { timeout: T }, step('daemonset', async (page) => {
    let out = await run(page, `kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
spec:
  selector:
    matchLabels:
      app: log-agent
  template:
    metadata:
      labels:
        app: log-agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        command: ["sleep", "infinity"]
        resources:
          requests:
            cpu: 200m
            memory: 128Mi
EOF`);
    assert.match(out, /daemonset\.apps\/log-agent created/);
    out = await run(page, 'kubectl rollout status ds/log-agent');
    assert.match(out, /successfully rolled out/);
    out = await run(page, 'node add node-4 --cpu 4 --memory 8Gi');
    assert.match(out, /node\/node-4 created/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')]
      .some((p) => p.dataset.owner === 'log-agent' && p.dataset.node === 'node-4' && p.dataset.ready === 'true'), null, { timeout: 60_000 });
    const nodes = (await pods(page, 'log-agent')).map((p) => p.node).sort();
    assert.deepEqual(nodes, ['node-1', 'node-2', 'node-3', 'node-4']);
  }));

  it('a higher-priority pod preempts a lower-priority one', { timeout: T }, step('preemption', async (page) => {
    await run(page, 'kubectl create priorityclass critical --value=100000');
    await run(page, 'kubectl create deployment batch --image=nginx:1.25 --replicas=8');
    await run(page, 'kubectl set resources deployment batch --requests=cpu=1500m');
    let out = await run(page, 'kubectl rollout status deployment/batch --timeout=90s');
    assert.match(out, /successfully rolled out/);
    out = await run(page, `kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: payments
spec:
  priorityClassName: critical
  containers:
  - name: payments
    image: nginx:1.25
    resources:
      requests:
        cpu: "2"
EOF`);
    assert.match(out, /pod\/payments created/);
    out = await run(page, 'kubectl wait --for=condition=Ready pod/payments --timeout=60s');
    assert.match(out, /condition met/);
    out = await run(page, 'kubectl get events --field-selector reason=Preempted --no-headers');
    assert.match(out, /Preempted\s+pod\/batch-[a-z0-9]+-[a-z0-9]{5}\s+Preempted by pod [0-9a-f-]+ on node node-\d/);
    await page.waitForFunction(() => document.querySelector('[data-kind="pod"][data-name="payments"]')?.dataset.ready === 'true', null, { timeout: 30_000 });
    await screenshot(page, 'workloads-preemption');
  }));

  it('a StatefulSet starts its pods in order, each with its claim, and web-0 finds its data again', { timeout: T }, step('statefulset', async (page) => {
    await run(page, 'kubectl delete pod payments --grace-period=0');
    let out = await run(page, `kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: nginx:1.25
        resources:
          requests:
            cpu: 200m
            memory: 256Mi
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
EOF`);
    assert.match(out, /statefulset.apps\/db created/);
    out = await run(page, 'kubectl rollout status sts/db --timeout=120s');
    assert.match(out, /statefulset rolling update complete 3 pods/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')]
      .filter((p) => p.dataset.owner === 'db' && p.dataset.ready === 'true').length === 3, null, { timeout: 30_000 });
    const names = (await pods(page, 'db')).map((p) => p.name).sort();
    assert.deepEqual(names, ['db-0', 'db-1', 'db-2']);
    out = await run(page, 'kubectl get pvc --no-headers');
    assert.equal(out.trim().split('\n').filter((l) => /^data-db-\d\s+Bound/.test(l)).length, 3, out);
    await screenshot(page, 'workloads-statefulset');
    await run(page, "kubectl exec db-0 -- sh -c 'echo row-1 > /data/table'");
    const node = (await pods(page, 'db')).find((p) => p.name === 'db-0').node;
    await run(page, 'kubectl delete pod db-0');
    await run(page, 'sleep 20');
    out = await run(page, 'kubectl exec db-0 -- cat /data/table');
    assert.equal(out.trim(), 'row-1');
    // Its volume is on that node: the new db-0 is there too.
    assert.equal((await pods(page, 'db')).find((p) => p.name === 'db-0').node, node);
  }));

  it('an autoscaler adds replicas as traffic rises', { timeout: T }, step('hpa', async (page) => {
    // The earlier tests filled the nodes (the preemption test on purpose): make room.
    await run(page, 'kubectl delete sts db');
    await run(page, 'kubectl delete deployment,daemonset,cronjob,job --all');
    await run(page, 'sleep 5');
    await run(page, 'kubectl create deployment shop --image=nginx:1.25 --replicas=2');
    await run(page, 'kubectl set resources deployment shop --requests=cpu=1,memory=1Gi');
    await run(page, 'kubectl expose deployment shop --port=80');
    await run(page, 'kubectl rollout status deployment/shop --timeout=90s');
    let out = await run(page, 'kubectl autoscale deployment shop --cpu=50% --min=2 --max=10');
    assert.match(out, /horizontalpodautoscaler.autoscaling\/shop autoscaled/);
    // kube-proxy programs the new Service's endpoints a second after they appear.
    await run(page, 'sleep 2');
    await run(page, 'traffic svc/shop --rps 800');
    await run(page, 'sleep 45');
    out = await run(page, 'kubectl get hpa shop --no-headers');
    assert.match(out, /^shop\s+Deployment\/shop\s+cpu: \d+%\/50%\s+2\s+10\s+\d+/);
    const replicas = Number(await run(page, "kubectl get hpa shop -o jsonpath='{.status.currentReplicas}'"));
    assert.ok(replicas > 2, out);
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-kind="pod"]')]
      .filter((p) => p.dataset.owner === 'shop' && p.dataset.phase === 'Running').length >= n, replicas, { timeout: 30_000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await pods(page, 'shop'))}`); });
    await screenshot(page, 'workloads-hpa');
    out = await run(page, 'kubectl top pods --no-headers');
    assert.match(out, /shop-[a-z0-9]+-[a-z0-9]{5}\s+\d+m/);
  }));
});
