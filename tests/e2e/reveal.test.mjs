// The reveal.js example page (docs/reveal-example.html): the playground in an iframe on a
// slide pauses when its slide is left and resumes when it is shown again (reveal.js posts
// `slide:stop` and `slide:start`), arrow keys pressed inside the playground change slides, and
// reveal.js-style `{method, args}` calls drive it, with its events posted back.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureDist, launchBrowser, screenshot, REPO_ROOT } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const T = 120_000;

describe('the reveal.js example deck', () => {
  let server;
  let browser;
  let page;
  before(async () => {
    ensureDist();
    server = await startServer({ root: REPO_ROOT });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${server.url}/docs/reveal-example.html`);
    await page.waitForFunction(() => window.Reveal?.isReady());
  }, { timeout: 120_000 });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const slide = () => page.evaluate(() => window.Reveal.getIndices().h);
  const frame = () => page.frameLocator('iframe.kubeplay');
  const playLabel = () => frame().locator('[data-testid="play-pause"]').textContent();
  const events = () => page.evaluate(() => window.kubeplayEvents.map((e) => e.eventName));

  it('a slide change pauses and resumes the embedded playground', { timeout: T }, async () => {
    await page.keyboard.press('ArrowRight');
    assert.equal(await slide(), 1);
    await frame().locator('[data-testid="console-input"]').waitFor();
    await page.waitForFunction(() => window.kubeplayEvents.some((e) => e.eventName === 'ready'));
    // Shown: time runs.
    await page.waitForFunction(() => document.querySelector('iframe.kubeplay').contentDocument
      .querySelector('[data-testid="play-pause"]')?.textContent.includes('Pause'));
    const t1 = await frame().locator('[data-testid="sim-time"]').textContent();
    await page.waitForTimeout(1500);
    assert.notEqual(await frame().locator('[data-testid="sim-time"]').textContent(), t1);
    // Left: paused, and the clock stays.
    await page.keyboard.press('ArrowRight');
    assert.equal(await slide(), 2);
    await page.waitForFunction(() => window.kubeplayEvents.some((e) => e.eventName === 'statechange' && e.playing === false));
    assert.match(await playLabel(), /Play/);
    const t2 = await frame().locator('[data-testid="sim-time"]').textContent();
    await page.waitForTimeout(1000);
    assert.equal(await frame().locator('[data-testid="sim-time"]').textContent(), t2);
    // Back: it resumes.
    await page.keyboard.press('ArrowLeft');
    assert.equal(await slide(), 1);
    await page.waitForFunction(() => window.kubeplayEvents.at(-1)?.eventName === 'statechange' && window.kubeplayEvents.at(-1).playing === true);
    assert.match(await playLabel(), /Pause/);
  });

  it('the deck drives the playground with reveal.js-style calls, and hears its events', { timeout: T }, async () => {
    await page.locator('[data-testid="deck-deploy"]').click();
    await page.waitForFunction(() => window.kubeplayEvents.some((e) => e.eventName === 'output' && e.id === 'deploy'));
    const out = await page.evaluate(() => window.kubeplayEvents.find((e) => e.eventName === 'output').output);
    assert.equal(out, 'deployment.apps/nginx created\n');
    await frame().locator('[data-kind="pod"]').first().waitFor();
    await page.locator('[data-testid="deck-pause"]').click();
    await page.waitForFunction(() => window.kubeplayEvents.at(-1)?.playing === false);
    assert.match(await playLabel(), /Play/);
    await page.locator('[data-testid="deck-play"]').click();
    await page.waitForFunction(() => window.kubeplayEvents.at(-1)?.playing === true);
    assert.ok((await events()).includes('ready'));
    // speed, share and reset, as a deck's own script would call them.
    await page.evaluate(() => document.querySelector('iframe.kubeplay').contentWindow.postMessage({ method: 'speed', args: [10] }, '*'));
    await page.waitForFunction(() => window.kubeplayEvents.at(-1)?.speed === 10);
    await page.evaluate(() => document.querySelector('iframe.kubeplay').contentWindow.postMessage(JSON.stringify({ method: 'share' }), '*'));
    await page.waitForFunction(() => window.kubeplayEvents.some((e) => e.eventName === 'share'));
    const link = await page.evaluate(() => window.kubeplayEvents.find((e) => e.eventName === 'share').link);
    assert.match(link, /kubeplay\.html#share=[A-Za-z0-9_-]+$/);
    await page.evaluate(() => document.querySelector('iframe.kubeplay').contentWindow.postMessage({ method: 'reset' }, '*'));
    await page.waitForFunction(() => document.querySelector('iframe.kubeplay').contentDocument.querySelectorAll('[data-kind="pod"]').length === 0);
    await screenshot(page, 'reveal-deck');
  });

  it('arrow keys pressed inside the playground change slides, except in its console', { timeout: T }, async () => {
    assert.equal(await slide(), 1);
    // Typing in the console keeps the arrows (its history).
    await frame().locator('[data-testid="console-input"]').click();
    await page.keyboard.press('ArrowRight');
    assert.equal(await slide(), 1);
    // Focus on the board (no control): the arrows go to the deck.
    await frame().locator('.board-area').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.Reveal.getIndices().h === 2);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => window.Reveal.getIndices().h === 1);
  });
});
