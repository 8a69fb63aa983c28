// The board as a user meets it: deploy, expose, send traffic, update the image, watch the chart,
// click a pod to inspect the scheduler's decision, act on nodes, see fragmentation.
// Screenshots of each main view go to test-output/ (the ones kept for docs are copied by hand).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, runConsole, screenshot, describeErrors, readDataset, SEL } from './lib/browser.mjs';

const T = 240_000;
let app;

function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

/** Runs a line through the page's API (resolves when a streaming command has finished). */
const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);

async function setSpeed(page, v) {
  await page.selectOption(SEL.speed ?? '[data-testid="speed"]', String(v));
}

describe('kubeplay board', () => {
  before(async () => {
    app = await openApp({ viewport: { width: 1440, height: 900 } });
  }, { timeout: 180_000 });
  after(async () => {
    await app?.close();
  });

  it('rolls out a new image under traffic, with both ReplicaSets and the chart visible', { timeout: T }, step('rollout', async (page) => {
    await setSpeed(page, 5);
    let out = await runConsole(page, 'kubectl create deployment web --image=nginx:1.10 --replicas=6');
    assert.match(out, /deployment\.apps\/web created/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.ready === 'true').length === 6, null, { timeout: 90_000 });
    out = await runConsole(page, 'kubectl expose deployment web --port=80');
    assert.match(out, /service\/web exposed/);
    out = await runConsole(page, 'traffic svc/web --rps 40');
    await page.waitForSelector('[data-testid="traffic-chart"]', { timeout: 30_000 });
    out = await runConsole(page, 'kubectl set image deployment/web nginx=nginx:1.11');
    assert.match(out, /deployment\.apps\/web image updated/);
    // Mid-rollout: two ReplicaSets with pods, the budget line shown.
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="deployment"] [data-kind="replicaset"]').length >= 2, null, { timeout: 60_000 });
    await page.waitForFunction(() => new Set([...document.querySelectorAll('[data-kind="pod"]')].map((p) => p.dataset.version)).size >= 2, null, { timeout: 60_000 });
    await screenshot(page, 'board-mid-rollout');
    const budget = await page.locator('.budget').first().innerText();
    assert.match(budget, /at most 8 .*at least 5 available/, budget);
    // Done: every pod on the new version, and the chart counted traffic.
    await page.waitForFunction(() => {
      const pods = [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.status !== 'Terminating');
      return pods.length === 6 && pods.every((p) => p.dataset.ready === 'true') && document.querySelectorAll('[data-kind="deployment"] [data-kind="replicaset"]').length === 1;
    }, null, { timeout: 120_000 });
    const failed = await page.locator('[data-testid="failed-requests"]').innerText();
    assert.match(failed, /^\d+ failed$/);
    await screenshot(page, 'board-after-rollout');
  }));

  it('inspects the scheduler decision of a pod', { timeout: T }, step('inspector', async (page) => {
    const pod = page.locator('[data-kind="pod"][data-ready="true"]').first();
    const name = await pod.getAttribute('data-name');
    const node = await pod.getAttribute('data-node');
    await pod.click();
    await page.waitForSelector('[data-testid="inspector"]');
    const selected = await page.locator('[data-testid="inspector-selected"]').innerText();
    assert.equal(selected, node, `${name} was bound to ${node}`);
    const rows = await page.locator('[data-testid="inspector"] tbody tr').count();
    assert.equal(rows, 3, 'one row per node');
    await screenshot(page, 'inspector');
    // Describe from the card echoes the kubectl command.
    await page.getByRole('button', { name: 'Describe' }).click();
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid="console-entry"]')].some((e) => e.innerText.includes(`kubectl describe pod ${n}`)), name);
  }));

  it('deletes a pod from the board and the ReplicaSet replaces it', { timeout: T }, step('delete-pod', async (page) => {
    const before = (await readDataset(page, '[data-kind="pod"]')).map((p) => p.name);
    await page.getByRole('button', { name: 'Delete pod' }).click();
    await page.waitForFunction((names) => {
      const pods = [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.status !== 'Terminating');
      return pods.length === 6 && pods.some((p) => !names.includes(p.dataset.name));
    }, before, { timeout: 60_000 });
    const echoed = await page.locator(SEL.consoleEntry).last().innerText();
    assert.match(echoed, /kubectl delete pod web-/);
    assert.match(echoed, /pod "web-[a-z0-9-]+" deleted/);
  }));

  it('cordons, fails and restores a node, each echoing its command', { timeout: T }, step('nodes', async (page) => {
    const node = page.locator('[data-kind="node"][data-name="node-1"]');
    await node.getByRole('button', { name: 'Cordon' }).click();
    await page.waitForFunction(() => document.querySelector('[data-kind="node"][data-name="node-1"]').dataset.status === 'Ready,SchedulingDisabled');
    assert.match(await page.locator(SEL.consoleEntry).last().innerText(), /kubectl cordon node-1\s+node\/node-1 cordoned/);
    await node.getByRole('button', { name: 'Uncordon' }).click();
    await page.waitForFunction(() => document.querySelector('[data-kind="node"][data-name="node-1"]').dataset.status === 'Ready');
    await setSpeed(page, 50);
    await node.getByRole('button', { name: 'Fail' }).click();
    await page.waitForFunction(() => document.querySelector('[data-kind="node"][data-name="node-1"]').dataset.status.startsWith('NotReady'), null, { timeout: 60_000 });
    await screenshot(page, 'node-failed');
    await node.getByRole('button', { name: 'Restore' }).click();
    await page.waitForFunction(() => document.querySelector('[data-kind="node"][data-name="node-1"]').dataset.status === 'Ready', null, { timeout: 60_000 });
  }));

  it('shows fragmentation: room left that no pending pod fits', { timeout: T }, step('fragmentation', async (page) => {
    await run(page, 'kubectl delete deployment web');
    // Three 1.5-CPU pods per 4-CPU node leave 1 CPU on each; a 2-CPU pod then fits nowhere.
    await run(page, `kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 6
  selector:
    matchLabels:
      app: big
  template:
    metadata:
      labels:
        app: big
    spec:
      containers:
      - name: nginx
        image: nginx:1.10
        resources:
          requests:
            cpu: 1500m
            memory: 1Gi
EOF`);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.owner === 'big' && p.dataset.status === 'Running').length === 6, null, { timeout: 120_000 });
    await run(page, `kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: huge
spec:
  replicas: 1
  selector:
    matchLabels:
      app: huge
  template:
    metadata:
      labels:
        app: huge
    spec:
      containers:
      - name: nginx
        image: nginx:1.10
        resources:
          requests:
            cpu: "2"
            memory: 1Gi
EOF`);
    await page.waitForFunction(() => document.querySelectorAll('.node.fragmented').length === 3, null, { timeout: 60_000 });
    const pending = await readDataset(page, '.pending [data-kind="pod"]');
    assert.ok(pending.some((p) => p.owner === 'huge' && p.node === ''), JSON.stringify(pending));
    await page.locator('.pending [data-kind="pod"]').first().click();
    await page.waitForSelector('[data-testid="inspector-unschedulable"]');
    const why = await page.locator('[data-testid="inspector-unschedulable"]').innerText();
    assert.equal(why, '0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    await screenshot(page, 'fragmented');
  }));

  it('pauses and steps simulated time', { timeout: T }, step('time', async (page) => {
    await page.locator('[data-testid="play-pause"]').click();
    const t1 = await page.locator('[data-testid="sim-time"]').innerText();
    await page.waitForTimeout(500);
    assert.equal(await page.locator('[data-testid="sim-time"]').innerText(), t1, 'paused: the clock stands still');
    await page.locator('[data-testid="step"]').click();
    await page.waitForFunction((t) => document.querySelector('[data-testid="sim-time"]').innerText !== t, t1);
    await page.locator('[data-testid="play-pause"]').click();
    assert.equal(describeErrors(app.errors), '');
  }));

  it('applies a manifest from the editor, with YAML errors shown inline', { timeout: T }, step('editor', async (page) => {
    await page.locator('.editor summary').click();
    const editor = page.locator('[data-testid="manifest-editor"]');
    await editor.fill('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edited\n  labels: [oops\n');
    await page.waitForSelector('[data-testid="manifest-error"]');
    assert.match(await page.locator('[data-testid="manifest-error"]').innerText(), /error converting YAML to JSON: yaml: line 5: /);
    assert.ok(await page.locator('[data-testid="manifest-apply"]').isDisabled());
    await editor.fill('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edited\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: edited\n  template:\n    metadata:\n      labels:\n        app: edited\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.10\n');
    await page.waitForSelector('[data-testid="manifest-error"]', { state: 'detached' });
    await page.locator('[data-testid="manifest-apply"]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="console-entry"]')].some((e) => e.innerText.includes("kubectl apply -f - <<'KUBEPLAY_EOF'") && e.innerText.includes('deployment.apps/edited created')));
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-owner="edited"]').length === 2, null, { timeout: 60_000 });
    await screenshot(page, 'editor');
  }));
});
