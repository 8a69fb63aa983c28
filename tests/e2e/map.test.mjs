// The scale scenario (issue 15) as a user meets it: ?scenario=scale opens 1,000 nodes and starts
// 10,000 pods; the board is the canvas map (no element per pod), a click on a piece opens that
// pod's card, the zoom buttons enlarge the map, and the console still answers. The time to a
// ready console and the map's figures are printed and written to test-output/map.json for
// docs/BENCHMARKS.md; nothing here asserts a duration.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, screenshot, describeErrors, SEL, OUTPUT_DIR } from './lib/browser.mjs';

const T = 240_000;
let app;
const figures = {};

function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-map-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);
const map = (page) => page.evaluate(() => window.kubeplay.map && window.kubeplay.map());

describe('the scale scenario as a map', () => {
  before(async () => {
    const start = Date.now();
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?scenario=scale' });
    figures.ready_ms = Date.now() - start;
  }, { timeout: 180_000 });
  after(async () => {
    if (Object.keys(figures).length) {
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      fs.writeFileSync(path.join(OUTPUT_DIR, 'map.json'), JSON.stringify(figures, null, 2));
      console.log('map figures', JSON.stringify(figures));
    }
    await app?.close();
  });

  it('draws 1,000 wells on a canvas, not one element per pod', { timeout: T }, step('wells', async (page) => {
    await page.waitForSelector('[data-testid="board-map"] canvas');
    await page.waitForFunction(() => {
      const m = window.kubeplay.map && window.kubeplay.map();
      return m && m.nodes === 1000 && m.pieces > 0 && m.paints > 0;
    }, null, { timeout: 120_000, polling: 250 });
    const m = await map(page);
    assert.equal(m.nodes, 1000);
    assert.ok(m.columns * m.rows >= 1000, `a slot for every node: ${JSON.stringify(m)}`);
    // Only the pods still waiting for the scheduler are elements (in the Pending area).
    assert.equal(await page.locator(`[data-testid="board-map"] ${SEL.pod}`).count(), 0, 'pods are painted, not elements');
    assert.ok(await page.locator(SEL.pod).count() < 1000, 'pods are painted, not elements');
    const summary = await page.locator('[data-testid="map-summary"]').innerText();
    assert.match(summary, /1,?000 nodes/);
    figures.columns = m.columns;
    figures.slot_px = m.slot;
    await screenshot(page, 'map-1280');
  }));

  it('answers kubectl while the pods start', { timeout: T }, step('console', async (page) => {
    const t = Date.now();
    const out = await run(page, 'kubectl get deployments --no-headers | wc -l');
    figures.get_deployments_ms = Date.now() - t;
    assert.match(String(out.text ?? out.output ?? out), /\b100\b/, JSON.stringify(out));
  }));

  it('zooms in so that the map grows and scrolls, and a click on a piece opens its pod\'s card', { timeout: T }, step('click', async (page) => {
    await page.click(SEL.playPause);
    const before = await map(page);
    for (const zoom of [2, 4, 8]) {
      await page.click('[data-testid="board-map"] button[aria-label="Zoom in"]');
      await page.waitForFunction((z) => window.kubeplay.map().zoom === z, zoom, { polling: 100 });
    }
    await page.waitForFunction((h) => window.kubeplay.map().height > h, before.height, { polling: 100 });
    const zoomed = await map(page);
    assert.ok(zoomed.slot > before.slot, `${before.slot} → ${zoomed.slot}`);
    figures.slot_px_zoomed = zoomed.slot;
    // A pod on the first node: its well is at the top left, in view without scrolling.
    const out = await run(page, 'kubectl get pods --no-headers --field-selector spec.nodeName=node-0001 | head -1');
    const name = String(out.text ?? out.output ?? out).trim().split(/\s+/)[0];
    assert.match(name, /^app-\d\d-/, JSON.stringify(out));
    const at = await page.evaluate((n) => window.kubeplay.mapPoint(n), name);
    assert.ok(at, `mapPoint(${name})`);
    await page.mouse.click(at.x, at.y);
    const card = page.locator('[data-testid="pod-details"]');
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(name));
    await screenshot(page, 'map-pod-card');
    await card.locator('button[aria-label="Close"]').click();
    for (const zoom of [4, 2, 1]) {
      await page.click('[data-testid="board-map"] button[aria-label="Zoom out"]');
      await page.waitForFunction((z) => window.kubeplay.map().zoom === z, zoom, { polling: 100 });
    }
    assert.deepEqual(app.errors.page, []);
  }));
});
