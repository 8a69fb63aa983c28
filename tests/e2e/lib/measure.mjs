// Measure the release build in dist/:
//   1. gzip size (level 9) of each .wasm and .js file that index.html loads (directly, or via
//      static/dynamic imports of those .js files), and the total;
//   2. time to interactive in headless Chromium: from navigation start (performance.timeOrigin)
//      until window.kubeplay exists and [data-testid="console-input"] is enabled. Median of N
//      cold loads, each in a fresh browser context (empty cache).
//
// Usage: node tests/e2e/lib/measure.mjs [--runs 5] [--no-tti] [--json]
// (scripts/measure.sh builds first, then runs this.)

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from './server.mjs';
import {
  DIST_DIR,
  SEL,
  TIMEOUT,
  ensureDist,
  launchBrowser,
  watchErrors,
  describeErrors,
} from './browser.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', 5));
const NO_TTI = args.includes('--no-tti');
const JSON_OUT = args.includes('--json');

const kib = (n) => (n / 1024).toFixed(1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Map a URL/path reference found in a file to a file in dist/, or null. */
function resolveRef(ref, fromFile) {
  if (/^(data:|blob:|https?:\/\/(?!127\.0\.0\.1|localhost))/.test(ref)) return null;
  let p = ref.replace(/^https?:\/\/[^/]+/, '').split(/[?#]/)[0];
  const candidates = [];
  if (p.startsWith('/')) candidates.push(path.join(DIST_DIR, p));
  else candidates.push(path.resolve(path.dirname(fromFile), p));
  // public_url prefixes (e.g. /kubeplay/x.js): fall back to the path's tail inside dist/.
  const parts = p.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) candidates.push(path.join(DIST_DIR, ...parts.slice(i)));
  for (const c of candidates) {
    if (c.startsWith(DIST_DIR) && fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

/** .wasm/.js files loaded by index.html, following JS imports. */
export function loadedAssets() {
  const index = path.join(DIST_DIR, 'index.html');
  const found = new Set();
  const queue = [];
  const refRe = /["'`(]([^"'`()\s<>]+?\.(?:wasm|m?js))(?:[?#][^"'`()\s<>]*)?["'`)]/g;
  const scan = (file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(refRe)) {
      const f = resolveRef(m[1], file);
      if (f && !found.has(f)) {
        found.add(f);
        if (/\.m?js$/.test(f)) queue.push(f);
      }
    }
  };
  scan(index);
  while (queue.length) scan(queue.shift());
  return [...found];
}

function sizes(files) {
  const rows = files
    .map((f) => {
      const buf = fs.readFileSync(f);
      return {
        file: path.relative(DIST_DIR, f),
        raw: buf.length,
        gzip: zlib.gzipSync(buf, { level: 9 }).length,
      };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { rows, total };
}

async function measureTti(url, runs) {
  const browser = await launchBrowser();
  const times = [];
  const fetched = new Set();
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(); // fresh: empty HTTP cache, no storage
      const page = await context.newPage();
      const errors = watchErrors(page);
      page.on('response', (r) => {
        const u = new URL(r.url());
        if (/\.(wasm|m?js)$/.test(u.pathname)) fetched.add(decodeURIComponent(u.pathname));
      });
      // Record the first moment the app is interactive, checked on every DOM mutation and
      // every 5 ms (window.kubeplay may appear without a mutation).
      await page.addInitScript((sel) => {
        const check = () => {
          if (window.__kpTti !== undefined) return;
          const el = document.querySelector(sel);
          if (window.kubeplay && el && !el.disabled && el.getAttribute('aria-disabled') !== 'true') {
            window.__kpTti = performance.now();
            clearInterval(timer);
            obs.disconnect();
          }
        };
        const timer = setInterval(check, 5);
        const obs = new MutationObserver(check);
        obs.observe(document, { subtree: true, childList: true, attributes: true });
      }, SEL.consoleInput);
      try {
        await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT.appReady });
        const h = await page.waitForFunction(() => window.__kpTti, null, {
          timeout: TIMEOUT.appReady,
          polling: 50,
        });
        times.push(await h.jsonValue());
      } catch (e) {
        throw new Error(`load ${i + 1}: app not interactive: ${e.message}\n${describeErrors(errors)}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { times, fetched: [...fetched] };
}

async function main() {
  ensureDist();
  let assets = loadedAssets();
  let tti = null;
  if (!NO_TTI) {
    const server = await startServer({ root: DIST_DIR });
    try {
      tti = await measureTti(server.url, RUNS);
    } finally {
      await server.close();
    }
    // Anything the browser fetched that the static scan missed.
    for (const p of tti.fetched) {
      const f = resolveRef(p, path.join(DIST_DIR, 'index.html'));
      if (f && !assets.includes(f)) assets.push(f);
    }
  }
  const { rows, total } = sizes(assets);

  if (JSON_OUT) {
    console.log(JSON.stringify({ assets: rows, total, tti_ms: tti && { median: median(tti.times), runs: tti.times } }, null, 2));
    return;
  }
  console.log(`Bundle (dist/, loaded by index.html), gzip -9:`);
  const w = Math.max(5, ...rows.map((r) => r.file.length));
  console.log(`  ${'file'.padEnd(w)}  ${'raw bytes'.padStart(10)}  ${'gzip bytes'.padStart(10)}  ${'gzip KiB'.padStart(8)}`);
  for (const r of rows) {
    console.log(`  ${r.file.padEnd(w)}  ${String(r.raw).padStart(10)}  ${String(r.gzip).padStart(10)}  ${kib(r.gzip).padStart(8)}`);
  }
  console.log(`  ${'TOTAL'.padEnd(w)}  ${String(total.raw).padStart(10)}  ${String(total.gzip).padStart(10)}  ${kib(total.gzip).padStart(8)}`);
  if (rows.length === 0) console.log('  (no .wasm/.js referenced by dist/index.html?)');
  if (tti) {
    const ms = tti.times.map((t) => Math.round(t));
    console.log(
      `Time to interactive (headless Chromium, ${RUNS} cold loads, navigation start -> ` +
        `window.kubeplay + enabled console input): median ${Math.round(median(tti.times))} ms ` +
        `[${ms.join(', ')}]`,
    );
  }
}

main().catch((e) => {
  console.error(`measure: ${e.message}`);
  process.exit(1);
});
