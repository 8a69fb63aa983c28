// A new user on a slide-sized screen (1280×720), with no instructions but the page: follows the
// "Start here" steps by clicking only — deploy, expose, send traffic, update the image, kill a
// node — and the board, the chart, the console and the events show what happened at each step.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, describeErrors, SEL } from './lib/browser.mjs';

const T = 180_000;
let app;

function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-tour-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

const tourButton = (page, i) => page.locator('[data-testid="tour-step"] button.cmd').nth(i);
const stepsDone = (page) => page.locator('[data-testid="tour-step"][data-done="true"]').count();

/** Clicks step `i`'s button and checks the console echoed the command it shows. */
async function clickStep(page, i) {
  const button = tourButton(page, i);
  const command = (await button.innerText()).trim();
  await button.click();
  await page.waitForFunction(
    ([sel, cmd]) => [...document.querySelectorAll(sel)].some((e) => e.innerText.includes(cmd)),
    [SEL.consoleEntry, command],
    { timeout: 10_000 },
  );
  return command;
}

/** Whether the element is wholly inside the viewport (nothing below the fold on a slide). */
async function inView(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize();
  return box && box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height + 1 && box.x + box.width <= vp.width + 1;
}

const readyPods = (page) => page.evaluate(() =>
  [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.ready === 'true' && p.dataset.status === 'Running'));

describe('the guided tour, as a new user', () => {
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 } });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('starts on a living cluster that says what to do, all on one screen', { timeout: T }, step('start', async (page) => {
    assert.equal(await page.locator('[data-testid="tour-step"]').count(), 6);
    assert.equal(await stepsDone(page), 0);
    for (const sel of [SEL.consoleInput, '[data-testid="tour"]', SEL.node, SEL.simTime, SEL.playPause]) {
      assert.ok(await inView(page, sel), `${sel} is visible without scrolling`);
    }
    assert.match(await tourButton(page, 0).innerText(), /^kubectl create deployment nginx --image=nginx:1\.10 --replicas=5$/);
    await screenshot(page, 'tour-0-start');
  }));

  it('1: runs a container, and explains what the board shows', { timeout: T }, step('deploy', async (page) => {
    await page.selectOption(SEL.speed, '5');
    await clickStep(page, 0);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.ready === 'true').length === 5, null, { timeout: 60_000 });
    const nodes = new Set((await page.evaluate(() => [...document.querySelectorAll('[data-kind="pod"]')].map((p) => p.dataset.node))));
    assert.ok(nodes.size >= 2, `spread over nodes: ${[...nodes]}`);
    assert.match(await page.locator('[data-testid="tour-watch"]').innerText(), /ReplicaSet.*scheduler/s);
    // kubectl's events: the scheduler placed each pod, the kubelet started it.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="events"] li[data-reason="Started"]').length > 0, null, { timeout: 30_000 });
    assert.match(await page.locator('[data-testid="events"]').innerText(), /pod\/nginx-/);
    await screenshot(page, 'tour-1-deployed');
  }));

  it('2–3: exposes it and sends traffic; the chart appears where it can be seen', { timeout: T }, step('traffic', async (page) => {
    await clickStep(page, 1);
    await page.waitForFunction(() => /5 ready endpoint/.test(document.querySelector('[data-kind="service"][data-name="nginx"]')?.innerText ?? ''), null, { timeout: 30_000 });
    await clickStep(page, 2);
    await page.waitForSelector('[data-testid="traffic-chart"] rect', { timeout: 30_000 });
    assert.ok(await inView(page, '[data-testid="traffic-chart"] svg'), 'the chart is on screen');
    assert.equal(await stepsDone(page), 3);
  }));

  it('4: updates the image; both ReplicaSets show, then only the new version serves', { timeout: T }, step('update', async (page) => {
    const command = await clickStep(page, 3);
    assert.equal(command, 'kubectl set image deployment/nginx nginx=nginx:1.11');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="deployment"][data-name="nginx"] [data-kind="replicaset"]').length === 2, null, { timeout: 30_000 });
    await screenshot(page, 'tour-4-rolling');
    await page.waitForFunction(() => {
      const pods = [...document.querySelectorAll('[data-kind="pod"]')];
      return pods.length === 5 && pods.every((p) => p.dataset.ready === 'true' && p.dataset.status === 'Running') && new Set(pods.map((p) => p.dataset.version)).size === 1;
    }, null, { timeout: 90_000 });
    assert.match(await page.locator('[data-testid="tour-watch"]').innerText(), /rolling update/);
    // The chart's count is a real figure: requests answered, and failed ones counted in red.
    assert.match(await page.locator('[data-testid="failed-requests"]').innerText(), /^\d+ failed$/);
    assert.equal(await stepsDone(page), 4);
  }));

  it('5: kills a node; its pods are evicted and replaced on the others', { timeout: T }, step('node', async (page) => {
    await page.selectOption(SEL.speed, '50');
    const command = await clickStep(page, 4);
    const victim = command.replace('node fail ', '');
    await page.waitForFunction((n) => document.querySelector(`[data-kind="node"][data-name="${n}"]`)?.dataset.status === 'NotReady', victim, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="events"] li[data-reason="NodeNotReady"]').length > 0, null, { timeout: 30_000 });
    assert.match(await tourButton(page, 4).innerText(), new RegExp(`^node restore ${victim}$`));
    // The failed node counts down to the eviction of its pods.
    await page.waitForFunction((n) => /pods evicted in \d/.test(document.querySelector(`[data-kind="node"][data-name="${n}"] [data-testid="eviction"]`)?.innerText ?? ''), victim, { timeout: 30_000 });
    await screenshot(page, 'tour-5-countdown');
    // 40 s to NotReady and 300 s of toleration: seconds at 50×.
    await page.waitForFunction((n) => {
      const pods = [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.node !== n);
      return pods.filter((p) => p.dataset.ready === 'true').length === 5;
    }, victim, { timeout: 90_000 });
    assert.ok(await page.locator('[data-testid="events"] li[data-reason="TaintManagerEviction"]').count() > 0);
    assert.match(await page.locator('[data-testid="tour-watch"]').innerText(), /evicted/);
    await screenshot(page, 'tour-5-healed');
  }));

  it('6: packs like Tetris: the bin-packing profile, in force and shown in the header', { timeout: T }, step('tetris', async (page) => {
    assert.equal(await clickStep(page, 5), 'kubectl apply -f schedulers/bin-packing.yaml');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tour-step"][data-done="true"]').length === 6, null, { timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="scheduler-profile"]').inputValue(), 'bin-packing');
    assert.match(await page.locator('[data-testid="tour-watch"]').innerText(), /MostAllocated/);
    assert.deepEqual(app.errors.page, []);
  }));
});

describe('presenter controls', () => {
  let p;
  before(async () => {
    p = await openApp({ viewport: { width: 1280, height: 720 } });
  }, { timeout: 120_000 });
  after(async () => {
    await p?.close();
  });

  it('keyboard: k pauses and plays, . steps a second, + and − change speed, / focuses the console', { timeout: 60_000 }, async () => {
    const page = p.page;
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('k');
    await page.waitForFunction(() => document.querySelector('[data-testid="play-pause"]').innerText.includes('Play'));
    const before = await page.locator(SEL.simTime).innerText();
    await page.keyboard.press('.');
    await page.waitForFunction((b) => document.querySelector('[data-testid="sim-time"]').innerText !== b, before);
    const secs = (t) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
    assert.equal(secs(await page.locator(SEL.simTime).innerText()) - secs(before), 1);
    assert.equal(await page.locator(SEL.speed).inputValue(), '1');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    assert.equal(await page.locator(SEL.speed).inputValue(), '5');
    await page.keyboard.press('-');
    assert.equal(await page.locator(SEL.speed).inputValue(), '2');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'console-input');
    // Typing in the console is typing, not shortcuts.
    await page.keyboard.type('k+');
    assert.equal(await page.locator(SEL.consoleInput).inputValue(), 'k+');
    assert.equal(await page.locator(SEL.speed).inputValue(), '2');
    assert.ok((await page.locator('[data-testid="play-pause"]').innerText()).includes('Play'));
  });

  it('postMessage: a slide deck runs a command and gets its output back', { timeout: 60_000 }, async () => {
    const page = p.page;
    const reply = await page.evaluate(() => new Promise((resolve) => {
      window.addEventListener('message', (e) => { if (e.data?.type === 'kubeplay:output') resolve(e.data); });
      window.postMessage({ type: 'kubeplay:run', id: 7, line: 'kubectl get nodes' }, '*');
    }));
    assert.equal(reply.id, 7);
    assert.match(reply.output, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nnode-1\s+Ready/);
    await page.evaluate(() => window.postMessage({ type: 'kubeplay:speed', speed: 20 }, '*'));
    await page.waitForFunction(() => document.querySelector('[data-testid="speed"]').value === '20');
    await page.evaluate(() => window.postMessage({ type: 'kubeplay:play' }, '*'));
    await page.waitForFunction(() => document.querySelector('[data-testid="play-pause"]').innerText.includes('Pause'));
  });
});

describe('panels picked in the URL', () => {
  it('?panels=traffic shows the board and the traffic chart only', { timeout: 60_000 }, async () => {
    const p = await openApp({ viewport: { width: 1280, height: 720 } });
    try {
      const page = p.page;
      await page.goto(`${p.url.replace(/\/?(\?.*)?$/, '/')}?panels=traffic&speed=20`);
      await page.waitForFunction(() => window.kubeplay && document.querySelectorAll('[data-kind="node"]').length === 3);
      for (const sel of [SEL.consoleInput, '[data-testid="tour"]', '[data-testid="events"]', '[data-testid="activity"]']) {
        assert.equal(await page.locator(sel).count(), 0, `${sel} hidden`);
      }
      await page.evaluate(() => window.kubeplay.run('kubectl create deployment web --image=nginx:1.10 --replicas=3\nkubectl expose deployment web --port=80\ntraffic svc/web --rps 10'));
      await page.waitForSelector('[data-testid="traffic-chart"] rect', { timeout: 30_000 });
      // The board takes the console's room: the wells reach the bottom half of the screen.
      const box = await page.locator('.board-area').boundingBox();
      assert.ok(box.height > 600, `board height ${box.height}`);
      await screenshot(page, 'panels-traffic');
    } finally {
      await p.close();
    }
  });
});

describe("the tour's promise", () => {
  it("the editor's example (readinessProbe and preStop) rolls out under traffic with no failed request", { timeout: 120_000 }, async () => {
    const p = await openApp({ viewport: { width: 1280, height: 720 } });
    try {
      const page = p.page;
      const run = (line) => page.evaluate((l) => window.kubeplay.run(l), line);
      await page.selectOption(SEL.speed, '10');
      await page.locator('.editor summary').click();
      await page.locator('[data-testid="manifest-apply"]').click();
      await run('kubectl expose deployment web --port=80');
      await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length === 4, null, { timeout: 60_000 });
      await page.waitForFunction(() => /4 ready endpoint/.test(document.querySelector('[data-kind="service"][data-name="web"]')?.innerText ?? ''), null, { timeout: 30_000 });
      await run('traffic svc/web --rps 50');
      await run('kubectl set image deployment/web web=nginx:1.11');
      const status = await run('kubectl rollout status deployment/web');
      assert.match(status, /successfully rolled out/);
      await page.waitForFunction(() => /of [1-9]\d{2,} requests/.test(document.querySelector('.traffic .okcount')?.innerText ?? ''), null, { timeout: 30_000 });
      assert.equal(await page.locator('[data-testid="failed-requests"]').innerText(), '0 failed');
      await screenshot(page, 'zero-failed-rollout');
    } finally {
      await p.close();
    }
  });
});
