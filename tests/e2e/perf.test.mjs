// Frame-time measurements of the board (issues 6 and 14): p95 frame time while a rolling update
// animates on 20 nodes and 300 pods under 100 requests a second (dots on), and frames per second on 200 nodes and 3,000 pods. The figures are
// printed and written to test-output/perf.json for docs/BENCHMARKS.md; the tests assert only that
// the measurement happened (timed assertions do not belong in tests, see the developers' guide).

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, screenshot, OUTPUT_DIR } from './lib/browser.mjs';
import { frames } from './lib/frames.mjs';

const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);

/** Page-side: every pod Running and ready, none terminating, `count` of them (a rollout is over). */
const SETTLED = `const ps = document.querySelectorAll('[data-kind="pod"]');
  return ps.length === count && [...ps].every((p) => p.dataset.ready === 'true' && p.dataset.status === 'Running');`;

async function addNodes(page, from, to) {
  const lines = [];
  for (let i = from; i <= to; i++) lines.push(`node add node-${i} --cpu 16 --memory 64Gi --zone zone-${'abc'[i % 3]}`);
  await run(page, lines.join('\n'));
}

const results = {};
let app;

describe('board frame times', () => {
  after(async () => {
    await app?.close();
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT_DIR, 'perf.json'), JSON.stringify(results, null, 2));
    console.log('frame times:', JSON.stringify(results));
  });

  it('20 nodes, 300 pods, rolling update', { timeout: 300_000 }, async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 } });
    const page = app.page;
    await page.selectOption('[data-testid="speed"]', '5');
    await addNodes(page, 4, 20);
    await run(page, 'kubectl create deployment web --image=nginx:1.10 --replicas=300');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')].filter((p) => p.dataset.ready === 'true').length === 300, null, { timeout: 240_000, polling: 500 });
    // With requests on the board: dots fly while the pieces drop (issue 14).
    await run(page, 'kubectl expose deployment web --port=80');
    await run(page, 'traffic svc/web --rps 100');
    await page.waitForSelector('[data-testid="request-dot"]', { timeout: 60_000 });
    results.idle_20x300 = await frames(page, 3000);
    await screenshot(page, 'board-20-nodes-300-pods');
    // From `set image` until the last old pod is gone: the rollout as it animates.
    await run(page, 'kubectl set image deployment/web nginx=nginx:1.11');
    results.rollout_20x300 = await frames(page, 60_000, SETTLED, 300);
    assert.ok(results.rollout_20x300.frames > 10);
    await app.close();
    app = null;
  });

  it('200 nodes, 3,000 pods', { timeout: 600_000 }, async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 } });
    const page = app.page;
    await page.selectOption('[data-testid="speed"]', '20');
    await addNodes(page, 4, 200);
    await run(page, 'kubectl create deployment web --image=nginx:1.10 --replicas=3000');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length === 3000, null, { timeout: 480_000, polling: 1000 });
    results.steady_200x3000 = await frames(page, 5000);
    await run(page, 'kubectl set image deployment/web nginx=nginx:1.11');
    results.rollout_200x3000 = await frames(page, 20_000, SETTLED, 3000);
    // How far the rollout got meanwhile (the board draws every change, and time waits for it).
    results.rollout_200x3000.progress = await page.evaluate(() => document.querySelector('[data-kind="deployment"][data-name="web"] .counts')?.innerText);
    assert.ok(results.steady_200x3000.frames > 5);
  });
});

describe('scheduler in wasm', () => {
  it('places 10,000 pods on 1,000 nodes', { timeout: 300_000 }, async () => {
    const a = await openApp({ viewport: { width: 1280, height: 720 } });
    try {
      await a.page.locator('[data-testid="play-pause"]').click();
      const r = await a.page.evaluate(() => window.kubeplay.benchScheduler(1000, 10000));
      results.scheduler_wasm_10000_pods_1000_nodes = { ...r, podsPerSecond: Math.round(r.pods / (r.ms / 1000)) };
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      fs.writeFileSync(path.join(OUTPUT_DIR, 'perf.json'), JSON.stringify(results, null, 2));
      console.log('scheduler wasm:', JSON.stringify(results.scheduler_wasm_10000_pods_1000_nodes));
      assert.equal(r.pods, 10000);
    } finally {
      await a.close();
    }
  });
});
