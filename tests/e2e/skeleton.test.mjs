// Walking-skeleton browser test: the built app (dist/) in headless Chromium.
// Run: node --test tests/e2e/   (after trunk build --release; scripts/test.sh does both)
// DOM contract: docs/TESTING.md.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openApp,
  runConsole,
  screenshot,
  describeErrors,
  readDataset,
  SEL,
} from './lib/browser.mjs';

const POD_WAIT_MS = 60_000; // real time allowed for 5 pods to become Running
const TEST_TIMEOUT = 240_000;

let app;

/** Run a test body; on failure save test-output/failure-<name>.png before rethrowing. */
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

/** Output lines, trailing blanks trimmed. */
const lines = (text) => text.split('\n').map((l) => l.replace(/\s+$/, ''));

/** Deterministic printable-ASCII garbage (mulberry32), starting with a letter. */
function garbage(len, seed) {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let s = 'q';
  while (s.length < len) s += String.fromCharCode(0x20 + Math.floor(rnd() * 95));
  return s;
}

async function nodeCount(page) {
  return page.locator(SEL.node).count();
}

describe('kubeplay skeleton', () => {
  before(async () => {
    app = await openApp();
  }, { timeout: 180_000 });

  after(async () => {
    await app?.close();
  });

  it('(a) loads with three nodes and the simulation controls', { timeout: TEST_TIMEOUT }, step('load', async (page) => {
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 3, SEL.node, {
      timeout: 30_000,
      polling: 100,
    }).catch(() => {});
    assert.equal(await nodeCount(page), 3, 'expected 3 [data-kind="node"] elements');
    const names = (await readDataset(page, SEL.node)).map((d) => d.name);
    assert.equal(new Set(names).size, 3, `3 distinct node data-name values, got ${JSON.stringify(names)}`);
    for (const sel of [SEL.simTime, SEL.playPause, SEL.speed, SEL.consoleInput, SEL.consoleOutput]) {
      assert.ok((await page.locator(sel).count()) >= 1, `${sel} is missing`);
    }
  }));

  it('(b) kubectl create deployment: 5 pods Running, spread over the 3 nodes', { timeout: TEST_TIMEOUT }, step('deployment', async (page) => {
    const out = await runConsole(page, 'kubectl create deployment nginx --image=nginx:1.10 --replicas=5');
    assert.match(out, /deployment\.apps\/nginx created/);

    // Run the simulation as fast as the UI allows.
    const speed = await page.$eval(SEL.speed, (el) =>
      el.tagName === 'SELECT' ? [...el.options].map((o) => o.value) : null,
    );
    if (speed && speed.length) {
      const max = speed.reduce((a, b) => (parseFloat(b) > parseFloat(a) ? b : a));
      await page.selectOption(SEL.speed, max);
    }

    const ready = (sel) => {
      const pods = [...document.querySelectorAll(sel)].filter((e) =>
        /(^|\/)nginx-/.test(e.dataset.name ?? ''),
      );
      const ok = pods.filter(
        (e) =>
          e.dataset.phase === 'Running' &&
          e.dataset.ready === 'true' &&
          e.dataset.status === 'Running' &&
          (e.dataset.node ?? '') !== '',
      );
      return pods.length === 5 && ok.length === 5;
    };
    try {
      await page.waitForFunction(ready, SEL.pod, { timeout: POD_WAIT_MS, polling: 250 });
    } catch (e) {
      const pods = await readDataset(page, SEL.pod);
      const simTime = await page.locator(SEL.simTime).first().innerText().catch(() => '?');
      const play = await page.locator(SEL.playPause).first().innerText().catch(() => '?');
      throw new Error(
        `5 nginx pods not Running/ready after ${POD_WAIT_MS / 1000}s real time ` +
          `(sim-time=${JSON.stringify(simTime)}, play-pause=${JSON.stringify(play)}):\n` +
          pods.map((p) => JSON.stringify(p)).join('\n'),
      );
    }

    const nodes = (await readDataset(page, SEL.node)).map((d) => d.name);
    const pods = (await readDataset(page, SEL.pod)).filter((p) => /(^|\/)nginx-/.test(p.name ?? ''));
    const perNode = Object.fromEntries(nodes.map((n) => [n, 0]));
    for (const p of pods) {
      assert.ok(p.node in perNode, `pod ${p.name} is on unknown node ${JSON.stringify(p.node)}`);
      perNode[p.node] += 1;
    }
    for (const [n, c] of Object.entries(perNode)) {
      assert.ok(c >= 1, `node ${n} got no pod; spread: ${JSON.stringify(perNode)}`);
    }
    await screenshot(page, 'deployment-running');

    const getPods = lines(await runConsole(page, 'kubectl get pods'));
    assert.ok(
      getPods.some((l) => /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/.test(l)),
      `kubectl get pods header:\n${getPods.join('\n')}`,
    );
    const podRows = getPods.filter((l) => /^nginx-\S+\s+1\/1\s+Running\s+/.test(l));
    assert.equal(podRows.length, 5, `5 "1/1 Running" rows:\n${getPods.join('\n')}`);

    const getDeploy = await runConsole(page, 'kubectl get deployments');
    const dl = lines(getDeploy);
    assert.ok(
      dl.some((l) => /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/.test(l)),
      `kubectl get deployments header:\n${getDeploy}`,
    );
    assert.ok(getDeploy.includes('nginx   5/5'), `"nginx   5/5" in:\n${getDeploy}`);
    assert.ok(
      dl.some((l) => /^nginx\s+5\/5\s+5\s+5\s+\S+$/.test(l)),
      `nginx row READY 5/5, UP-TO-DATE 5, AVAILABLE 5:\n${getDeploy}`,
    );

    const getNodes = lines(await runConsole(page, 'kubectl get nodes'));
    assert.ok(
      getNodes.some((l) => /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/.test(l)),
      `kubectl get nodes header:\n${getNodes.join('\n')}`,
    );
    const nodeRows = getNodes.filter((l) => /^\S+\s+Ready\s+\S+\s+\S+\s+\S+$/.test(l));
    assert.equal(nodeRows.length, 3, `3 Ready rows:\n${getNodes.join('\n')}`);
  }));

  it('(c) bad input gives errors, never a crash', { timeout: TEST_TIMEOUT }, step('bad-input', async (page) => {
    // What the real kubectl 1.37 prints (tests/fixtures/kubectl/err-create-deployment-no-args.err):
    // the missing --image is reported before the missing name.
    let out = await runConsole(page, 'kubectl create deployment');
    assert.ok(out.includes('error: required flag(s) "image" not set'), out);
    out = await runConsole(page, 'kubectl create deployment --image=nginx');
    assert.ok(out.includes('error: exactly one NAME is required, got 0'), out);

    out = await runConsole(page, 'kubectl get foo');
    assert.ok(out.includes('error: the server doesn\'t have a resource type "foo"'), out);

    out = await runConsole(page, 'foo');
    assert.match(out, /foo/);
    assert.match(out, /not found/);

    // Empty line: whatever it shows, the console must keep working.
    const input = page.locator(SEL.consoleInput);
    await input.fill('');
    await input.press('Enter');
    out = await runConsole(page, 'kubectl get nodes');
    assert.match(out, /NAME/);

    // 10 kB of printable garbage.
    const junk = garbage(10 * 1024, 20261125);
    out = await runConsole(page, junk);
    const reply = out.includes(junk) ? out.replace(junk, '') : out;
    assert.match(reply, /error|not found|invalid|unknown|unterminated|too long/i,
      `expected an error for 10 kB of garbage, got: ${reply.slice(0, 500)}`);

    assert.equal(await nodeCount(page), 3, 'still 3 nodes after bad input');
    assert.deepEqual(app.errors.page, [], 'no uncaught page error');
    assert.deepEqual(app.errors.console, [], 'no console.error');
  }));

  it('(d) window.kubeplay.run returns the console output', { timeout: TEST_TIMEOUT }, step('api', async (page) => {
    const out = await page.evaluate(() => window.kubeplay.run('kubectl get nodes'));
    assert.equal(typeof out, 'string');
    assert.match(out, /NAME/);
    assert.match(out, /Ready/);
    assert.deepEqual(app.errors.page, [], 'no uncaught page error');
  }));
});
