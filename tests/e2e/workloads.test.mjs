// Jobs, CronJobs, DaemonSets and preemption as a user meets them on the board, through the DOM
// contract: a Job's finished pods leave the stack and hang from the top of their well, a
// CronJob fires on the simulated clock, a DaemonSet pod lands on a node added later, and a
// higher-priority pod preempts a lower-priority one.

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
});
