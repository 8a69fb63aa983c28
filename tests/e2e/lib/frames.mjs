// Frame-time statistics of a page, shared by tests/e2e/perf.test.mjs and scripts/bench.sh.

/**
 * requestAnimationFrame timestamps over `ms` of wall time, or until `until` (a page-side
 * predicate on `count` pods, checked every 250 ms) holds → frame-time statistics. `long` counts
 * frames that took longer than one 60 Hz frame (16.7 ms plus timer jitter).
 */
export async function frames(page, ms, until = null, count = 0) {
  const ts = await page.evaluate(([ms, until, count]) => new Promise((resolve) => {
    const done = until && new Function('count', until);
    const out = [];
    const start = performance.now();
    let checked = start;
    function f(t) {
      out.push(t);
      if (done && t - checked > 250) {
        checked = t;
        if (done(count)) return resolve(out);
      }
      if (t - start < ms) requestAnimationFrame(f); else resolve(out);
    }
    requestAnimationFrame(f);
  }), [ms, until, count]);
  const raw = ts.slice(1).map((t, i) => t - ts[i]);
  const d = [...raw].sort((a, b) => a - b);
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  const span = ts[ts.length - 1] - ts[0];
  return {
    seconds: +(span / 1000).toFixed(1),
    frames: d.length,
    fps: +(1000 * d.length / span).toFixed(1),
    p50: +q(0.5).toFixed(2),
    p95: +q(0.95).toFixed(2),
    max: +d[d.length - 1].toFixed(2),
    long: raw.filter((x) => x > 17.5).length,
  };
}

