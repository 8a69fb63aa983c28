// The board plays like Tetris (issue 14, part 1): pieces built of cells at a scale the legend
// states, bound pods falling into their wells at a pace that follows simulated speed, pieces
// resting on the stack and settling when one below them leaves, a full well, a failed machine
// shown at once, no motion for those who ask for none, and a board that fits phone and projector.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, describeErrors } from './lib/browser.mjs';

const T = 180_000;
const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);
const readyCount = (page, n) => page.waitForFunction((n) => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length === n, n, { timeout: 60_000 });

/** Every well's pieces as {name, bottom, top} in pixels from the well's floor, bottom up. */
const stacks = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-kind="node"]')].map((n) => {
  const well = n.querySelector('.well').getBoundingClientRect();
  const pieces = [...n.querySelectorAll('.well [data-kind="pod"]')].map((p) => {
    // The resting place, not where a drop animation has it now.
    const h = p.offsetHeight;
    const bottom = well.height - 2 - p.offsetTop - h; // 2: the well's bottom border
    return { name: p.dataset.name, bottom, top: bottom + h };
  }).sort((a, b) => a.bottom - b.bottom);
  return [n.dataset.name, pieces];
})));

let app;
async function step(name, fn) {
  try {
    await fn(app.page);
  } catch (e) {
    if (app?.page) await screenshot(app.page, `failure-tetris-${name}`).catch(() => {});
    if (app) e.message += `\n${describeErrors(app.errors)}`;
    throw e;
  }
}

describe('the board plays like Tetris', () => {
  after(async () => { await app?.close(); });

  it('states the cell, drops pieces at the simulated pace, stacks and settles them', { timeout: T }, async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?tour=0' });
    await step('cells', async (page) => {
      const legend = await page.locator('[data-testid="cell-scale"]').innerText();
      assert.match(legend, /One cell = \d+m? CPU × \d+(Mi|Gi) of memory/, legend);
      // Pin the pods to one node so they stack in one well.
      await run(page, `kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-1}
      containers:
      - name: web
        image: nginx:1.10
        resources: {requests: {cpu: 500m, memory: 1Gi}}
EOF`);
      await readyCount(page, 3);
      // A 500m, 1Gi piece is several cells: its grid is set from the legend's scale.
      const cells = await page.evaluate(() => {
        const p = document.querySelector('.well [data-kind="pod"]');
        return [parseFloat(p.style.getPropertyValue('--rows')), parseFloat(p.style.getPropertyValue('--cols'))];
      });
      assert.ok(cells[0] * cells[1] >= 2, `cells ${cells}`);
    });
    await step('drop', async (page) => {
      // A newly bound piece falls, for 0.6 s at 1× and a fifth of it at 5×.
      for (const [speed, want] of [['1', 0.6], ['5', 0.12]]) {
        await page.selectOption('[data-testid="speed"]', speed);
        await page.waitForFunction(() => !document.getAnimations().some((a) => a.animationName === 'drop'), null, { timeout: 10_000 });
        const before = new Set(await page.evaluate(() => [...document.querySelectorAll('.well [data-kind="pod"]')].map((p) => p.dataset.name)));
        await run(page, `kubectl scale deployment web --replicas=${before.size + 1}`);
        const drop = await page.waitForFunction((before) => {
          const p = [...document.querySelectorAll('.well [data-kind="pod"]')].find((p) => !before.includes(p.dataset.name));
          const a = p?.getAnimations().find((a) => a.animationName === 'drop');
          return a && { duration: parseFloat(getComputedStyle(p).animationDuration), state: a.playState };
        }, [...before], { timeout: 20_000, polling: 'raf' });
        const d = await drop.jsonValue();
        assert.ok(Math.abs(d.duration - want) < 0.01, `drop at ${speed}×: ${JSON.stringify(d)}`);
        // Only the new piece falls: the ones already landed keep their place (and their element).
        const replayed = await page.evaluate((before) => [...document.querySelectorAll('.well [data-kind="pod"]')]
          .filter((p) => before.includes(p.dataset.name) && p.getAnimations().some((a) => a.animationName === 'drop'))
          .map((p) => p.dataset.name), [...before]);
        assert.deepEqual(replayed, [], 'landed pieces do not fall again');
      }
      await readyCount(page, 5);
    });
    await step('stack', async (page) => {
      await page.waitForTimeout(800); // Let the last drop land.
      const s = (await stacks(page))['node-1'];
      assert.equal(s.length, 5);
      assert.ok(Math.abs(s[0].bottom) <= 1, `the first rests on the floor: ${JSON.stringify(s[0])}`);
      for (let i = 1; i < s.length; i++) assert.ok(Math.abs(s[i].bottom - s[i - 1].top) <= 1, `piece ${i} rests on the one below: ${JSON.stringify(s)}`);
      // The bottom pod leaves: every piece above settles by its height, with an eased transition.
      const gone = s[0];
      await page.selectOption('[data-testid="speed"]', '1');
      await run(page, `kubectl delete pod ${gone.name} --grace-period=0 --force`);
      await page.waitForFunction((n) => !document.querySelector(`[data-kind="pod"][data-name="${n}"]`), gone.name, { timeout: 20_000 });
      const moving = await page.evaluate((n) => {
        const p = document.querySelector(`[data-kind="pod"][data-name="${n}"]`);
        return getComputedStyle(p).transitionProperty;
      }, s[1].name);
      assert.match(moving, /bottom/);
      await page.waitForTimeout(1000);
      const after = (await stacks(page))['node-1'].filter((p) => s.some((q) => q.name === p.name));
      assert.ok(Math.abs(after[0].bottom) <= 1, `the next one fell to the floor: ${JSON.stringify(after)}`);
      await screenshot(page, 'tetris-stack');
    });
  });

  it('shows a full well, and a failed machine at once, then its countdown', { timeout: T }, async () => {
    await step('full', async (page) => {
      // 4 CPUs: five pinned 500m pods, and a 3-CPU one that cannot fit next to them.
      await run(page, `kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  nodeSelector: {kubernetes.io/hostname: node-1}
  containers:
  - name: c
    image: nginx
    resources: {requests: {cpu: "3"}}
EOF`);
      await page.waitForSelector('[data-kind="node"][data-name="node-1"][data-full="true"] [data-testid="well-full"]', { timeout: 20_000 });
    });
    await step('failed', async (page) => {
      await run(page, 'node fail node-2');
      // At once, before the node lifecycle controller knows: the kubelet stopped.
      const n = page.locator('[data-kind="node"][data-name="node-2"]');
      // The board redraws within a frame or a few (it rebuilds its view up to 20 times a second).
      await page.waitForSelector('[data-kind="node"][data-name="node-2"][data-kubelet="stopped"]', { timeout: 5_000 });
      assert.equal(await n.getAttribute('data-status'), 'Ready');
      assert.equal(await n.locator('svg.crack').count(), 1);
      assert.match(await n.locator('[data-testid="not-ready-countdown"]').innerText(), /NotReady in (40|39|38)s/);
      await screenshot(page, 'tetris-failed-node');
      await run(page, 'node restore node-2');
      await page.waitForSelector('[data-kind="node"][data-name="node-2"][data-kubelet="running"]', { timeout: 5_000 });
    });
  });

  it('does not move for those who ask for no motion', { timeout: T }, async () => {
    await app?.close();
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?tour=0' });
    await step('reduced', async (page) => {
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
      await page.waitForFunction(() => document.querySelectorAll('.well [data-kind="pod"]').length === 3, null, { timeout: 20_000 });
      const moving = await page.evaluate(() => [...document.querySelectorAll('.well [data-kind="pod"]')].map((p) => p.getAnimations().length));
      assert.deepEqual(moving, [0, 0, 0]);
    });
  });

  it('fits a phone and fills a projector', { timeout: T }, async () => {
    await step('phone', async (page) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      const r = await page.evaluate(() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        return { width: document.documentElement.scrollWidth, board: box('.board-area').top, side: box('.side').top, console: box('.console-area').top };
      });
      assert.ok(r.width <= 390, `nothing wider than the phone: ${r.width}px`);
      assert.ok(r.board < r.side && r.side < r.console, `board, panels and console stack: ${JSON.stringify(r)}`);
      await screenshot(page, 'tetris-phone');
    });
    await step('projector', async (page) => {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.waitForTimeout(300);
      const r = await page.evaluate(() => {
        const nodes = [...document.querySelectorAll('[data-kind="node"]')].map((n) => n.getBoundingClientRect());
        const board = document.querySelector('.nodes').getBoundingClientRect();
        const well = document.querySelector('.well').getBoundingClientRect();
        return { used: (nodes.at(-1).right - nodes[0].left) / board.width, well: well.height };
      });
      assert.ok(r.used > 0.95, `the wells fill the width: ${JSON.stringify(r)}`);
      assert.ok(r.well > 300, `and grow: ${JSON.stringify(r)}`);
      await screenshot(page, 'tetris-projector');
    });
  });
});
