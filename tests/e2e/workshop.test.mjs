// Workshops as an attendee meets them, at 1280×720: `?workshop=kelsey-2016` opens the panel,
// steps tick as soon as the cluster is right (by clicking {{exec}} buttons and by typing), a
// hint is revealed, a reload finds the same step and the same cluster, "go to step" jumps at
// once, the workshop finishes; corrupt saved progress is discarded with a notice; a workshop
// served next to the page loads; hostile Markdown stays inert.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, screenshot, describeErrors, runConsole, SEL, REPO_ROOT } from './lib/browser.mjs';

const T = 180_000;
const STEP = '[data-testid="workshop-step"]';
const CURRENT = `${STEP}[data-state="current"]`;

const states = (page) => page.evaluate((sel) => [...document.querySelectorAll(sel)].map((s) => s.dataset.state), STEP);
const currentIndex = async (page) => (await states(page)).indexOf('current');
const waitCurrent = (page, i, timeout = 60_000) => page.waitForFunction(
  ([sel, i]) => [...document.querySelectorAll(sel)].findIndex((s) => s.dataset.state === 'current') === i,
  [STEP, i], { timeout });
const podNames = (page) => page.evaluate(() => [...document.querySelectorAll('[data-kind="pod"]')].map((p) => p.dataset.name).sort());

let app;
function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-workshop-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

/** Reloads the page and waits until the app is ready again. */
async function reload(page) {
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.kubeplay && !document.querySelector('[data-testid="console-input"]')?.disabled, null, { timeout: 90_000 });
  await page.waitForSelector('[data-testid="workshop"]', { timeout: 30_000 });
}

describe('a workshop, as an attendee', () => {
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?workshop=kelsey-2016' });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('opens on its first step, with the text and buttons that run its commands', { timeout: T }, step('open', async (page) => {
    await page.waitForSelector('[data-testid="workshop"][data-name="kelsey-2016"]');
    const s = await states(page);
    assert.ok(s.length >= 8, `steps: ${s}`);
    assert.deepEqual(s.slice(0, 2), ['current', 'todo']);
    assert.ok(await page.locator(`${CURRENT} [data-testid="workshop-exec"]`).count() > 0, 'the step has a Run button');
    // Checks are evaluated live and show as not passing yet.
    await page.waitForSelector(`${CURRENT} [data-testid="workshop-check"][data-passed="false"]`);
  }));

  it('step 1 ticks as soon as the cluster is right, by clicking its Run button', { timeout: T }, step('click', async (page) => {
    await page.selectOption(SEL.speed, '20');
    const button = page.locator(`${CURRENT} [data-testid="workshop-exec"]`).first();
    const label = await button.getAttribute('aria-label');
    assert.match(label, /kubectl create deployment nginx/);
    await button.click();
    await waitCurrent(page, 1);
    assert.equal((await states(page))[0], 'done');
    assert.equal((await podNames(page)).length, 5);
  }));

  it('step 2 ticks by typing in the console; a hint is revealed on step 3', { timeout: T }, step('type', async (page) => {
    await runConsole(page, 'kubectl expose deployment nginx --port=80');
    await waitCurrent(page, 2);
    const hint = page.locator(`${CURRENT} [data-testid="workshop-hint"]`);
    if (await hint.count() === 0) {
      // Hints that come after a while: wait for the first.
      await page.waitForSelector(`${CURRENT} [data-testid="workshop-hint"]`, { timeout: 90_000 });
    }
    await page.locator(`${CURRENT} [data-testid="workshop-hint"]`).click();
    await page.waitForSelector(`${CURRENT} [data-testid="workshop-hint-text"]`);
    await screenshot(page, 'workshop-hint');
  }));

  it('a reload finds the same step and the same cluster', { timeout: T }, step('reload', async (page) => {
    await page.locator(`${CURRENT} [data-testid="workshop-solution"] summary`).click();
    await page.locator(`${CURRENT} [data-testid="workshop-solve"]`).click();
    await waitCurrent(page, 3, 90_000);
    // For the docs: the panel from its title, with three steps ticked and the fourth begun.
    await page.locator('[data-testid="workshop"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'workshop-mid');
    const pods = await podNames(page);
    const before = await page.locator(SEL.simTime).innerText();
    await reload(page);
    await waitCurrent(page, 3, 30_000);
    assert.match(await page.locator('[data-testid="workshop-notice"]').innerText(), /as you left them/);
    await page.waitForFunction((n) => document.querySelectorAll('[data-kind="pod"]').length === n, pods.length);
    assert.deepEqual(await podNames(page), pods);
    const secs = (t) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
    // Progress is saved every 2 simulated seconds, so the clock comes back at most that far
    // behind (the screenshot above may take a few simulated seconds at 20×).
    const after = await page.locator(SEL.simTime).innerText();
    assert.ok(secs(after) >= secs(before) - 2, `the clock is where it was: ${before} before, ${after} after`);
    // The console shows the commands that built this cluster.
    assert.match(await page.locator(SEL.consoleOutput).innerText(), /kubectl expose deployment nginx --port=80/);
  }));

  it('"go to step" jumps to the last step at once, and the workshop finishes', { timeout: T }, step('jump', async (page) => {
    const n = (await states(page)).length;
    const t0 = Date.now();
    await page.locator(`${STEP}`).nth(n - 1).locator('[data-testid="workshop-goto"]').click();
    await waitCurrent(page, n - 1, 60_000);
    const took = Date.now() - t0;
    const s = await states(page);
    assert.deepEqual(s.slice(0, n - 1), Array(n - 1).fill('done'));
    console.log(`# jump to step ${n}: ${took} ms`);
    await page.locator(`${CURRENT} [data-testid="workshop-solution"] summary`).click();
    await page.locator(`${CURRENT} [data-testid="workshop-solve"]`).click();
    await page.waitForSelector('[data-testid="workshop-finish"]', { timeout: 120_000 });
    assert.deepEqual(await states(page), Array(n).fill('done'));
    await screenshot(page, 'workshop-finished');
    assert.deepEqual(app.errors.page, []);
  }));

  it('corrupt saved progress is discarded with a notice, not a blank page', { timeout: T }, step('corrupt', async (page) => {
    await page.evaluate(() => localStorage.setItem('kubeplay.workshop.kelsey-2016', '{"version":1,"log":[{"at_ms":"x"'));
    await reload(page);
    assert.match(await page.locator('[data-testid="workshop-notice"]').innerText(), /could not be restored/);
    assert.equal(await currentIndex(page), 0);
    assert.equal(await page.locator(SEL.node).count(), 3);
  }));
});

describe('workshops from elsewhere', () => {
  it('the default page opens the first workshop as "Start here", without saving progress', { timeout: T }, async () => {
    const p = await openApp({ viewport: { width: 1280, height: 720 } });
    try {
      await p.page.waitForSelector('[data-testid="workshop"][data-name="kelsey-2016"]');
      await runConsole(p.page, 'kubectl create deployment nginx --image=nginx:1.10 --replicas=5');
      await p.page.waitForFunction(() => document.querySelector('[data-testid="workshop-step"]')?.dataset.state === 'done', null, { timeout: 90_000 });
      assert.equal(await p.page.evaluate(() => localStorage.getItem('kubeplay.workshop.kelsey-2016')), null);
    } finally {
      await p.close();
    }
  });

  it('a workshop folder served next to the page loads, and hostile Markdown stays inert', { timeout: T }, async () => {
    const p = await openApp({ viewport: { width: 1280, height: 720 } });
    try {
      const page = p.page;
      const evil = {
        'index.json': JSON.stringify({ title: 'Evil <img src=x onerror=window.__pwned=1>', details: { steps: [{ title: 'Step', text: 'step.md', verify: 'verify.sh' }] } }),
        'step.md': '# <script>window.__pwned=2</script>\n\n[click](javascript:window.__pwned=3) <img src=x onerror="window.__pwned=4">\n\n`kubectl get pods`{{exec}}\n',
        'verify.sh': 'kubectl get deploy web\n',
      };
      await page.route('**/labs/evil/*', (route) => {
        const name = route.request().url().split('/').pop();
        if (evil[name]) route.fulfill({ status: 200, contentType: 'text/plain', body: evil[name] });
        else route.fulfill({ status: 404, body: '' });
      });
      await page.goto(`${p.url.replace(/\/?(\?.*)?$/, '/')}?workshop=labs/evil`);
      await page.waitForSelector('[data-testid="workshop"]', { timeout: 60_000 });
      const text = await page.locator('[data-testid="workshop"]').innerText();
      assert.match(text, /<script>window.__pwned=2<\/script>/, 'raw HTML is shown as text');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(await page.locator('[data-testid="workshop"] a[href^="javascript"]').count(), 0);
      assert.equal(await page.locator('[data-testid="workshop"] script, [data-testid="workshop"] img').count(), 0);
      // The served built-in copy (dist/workshops/) loads through the same path.
      await page.goto(`${p.url.replace(/\/?(\?.*)?$/, '/')}?workshop=workshops/ckad-scale`);
      await page.waitForSelector('[data-testid="workshop"][data-name="workshops/ckad-scale"] [data-testid="workshop-step"]', { timeout: 60_000 });
    } finally {
      await p.close();
    }
  });
});

// The screenshots the docs show: kept in docs/screenshots when the suite runs with KEEP_DOCS=1.
after(() => {
  if (process.env.KEEP_DOCS !== '1') return;
  for (const name of ['workshop-mid', 'workshop-hint']) {
    const from = path.join(REPO_ROOT, 'test-output', `${name}.png`);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(REPO_ROOT, 'docs', 'screenshots', `${name}.png`));
  }
});
