// The browser half of scripts/bench.sh (issue 15): figures of the release build in dist/ in
// headless Chromium, printed as JSON on stdout (progress on stderr):
//   scheduler   window.kubeplay.benchScheduler(1000, 10000), median of 3 (pods/s)
//   engine      window.kubeplay.benchEngine(1000, 100, 100): the native example's workload
//   scale page  ?scenario=scale: time to a usable console, frames per second of the map while it
//               settles, when idle and during a rolling update, and how long
//               `kubectl get pods -A | wc -l` takes
// Nothing here is asserted; it measures.
//
// Usage: node tests/e2e/lib/bench.mjs [--quick]   (--quick: skip the engine run, about a minute)

import { openApp, SEL } from './browser.mjs';
import { frames } from './frames.mjs';

const QUICK = process.argv.includes('--quick');
const log = (...a) => console.error('bench:', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);
const out = {};

{
  const a = await openApp({ viewport: { width: 1280, height: 720 } });
  try {
    await a.page.click(SEL.playPause);
    const rates = [];
    for (let i = 0; i < 3; i++) {
      const r = await a.page.evaluate(() => window.kubeplay.benchScheduler(1000, 10000));
      rates.push(Math.round(r.pods / (r.ms / 1000)));
    }
    out.scheduler_wasm_pods_per_s = median(rates);
    log('scheduler', rates);
    if (!QUICK) {
      const r = await a.page.evaluate(() => window.kubeplay.benchEngine(1000, 100, 100));
      out.engine_wasm_settle_s = +(r.settleMs / 1000).toFixed(2);
      out.engine_wasm_settled_simulated_s = r.settled === null ? null : r.settled / 1000;
      out.engine_wasm_ten_minutes_s = +(r.tenMinutesMs / 1000).toFixed(2);
      log('engine', JSON.stringify(r));
    }
  } finally {
    await a.close();
  }
}

{
  const t = Date.now();
  const a = await openApp({ viewport: { width: 1280, height: 720 }, query: '?scenario=scale' });
  const page = a.page;
  try {
    out.scale_ready_s = +((Date.now() - t) / 1000).toFixed(2);
    await page.waitForFunction(() => window.kubeplay.map && window.kubeplay.map().paints > 0, null, { timeout: 120_000 });
    out.scale_fps_settling = (await frames(page, 10_000)).fps;
    log('settling fps', out.scale_fps_settling);
    const c = Date.now();
    const r = await run(page, 'kubectl get pods -A --no-headers | wc -l');
    out.scale_get_pods_ms = Date.now() - c;
    out.scale_get_pods_lines = Number(String(r.text ?? r.output ?? r).trim()) || String(r.text ?? r.output ?? r).trim();
    // 10× speed, then wait until every pod is Ready on the map.
    await page.selectOption(SEL.speed, '10');
    const s = Date.now();
    await page.waitForFunction(() => /\(10,000 ready\), 0 pending/.test(
      document.querySelector('[data-testid="map-summary"]')?.textContent ?? ''), null, { timeout: 300_000, polling: 1000 });
    out.scale_settle_wall_s_at_10x = +((Date.now() - s) / 1000).toFixed(1);
    await page.selectOption(SEL.speed, '1');
    out.scale_fps_idle = (await frames(page, 5_000)).fps;
    await run(page, 'kubectl set image deployment/app-00 app=nginx:1.26');
    out.scale_fps_rollout = (await frames(page, 15_000)).fps;
    log('idle / rollout fps', out.scale_fps_idle, out.scale_fps_rollout);
  } finally {
    await a.close();
  }
}

console.log(JSON.stringify(out, null, 2));
