// What a presenter drives on a slide-sized screen (1280×720): keyboard shortcuts, the
// postMessage API, `?panels=`, and the first workshop's promise (the editor's example rolls out
// under traffic with no failed request). The workshop itself: workshop.test.mjs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, SEL } from './lib/browser.mjs';

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
      for (const sel of [SEL.consoleInput, '[data-testid="workshop"]', '[data-testid="events"]', '[data-testid="activity"]']) {
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

describe("the first workshop's promise", () => {
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
