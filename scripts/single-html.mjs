// kubeplay as one HTML file, for a laptop with no network (a venue with bad Wi-Fi): the page
// Trunk built, with its stylesheet, icon, JavaScript and WebAssembly inlined. Opens from
// file:// in any current browser; nothing is fetched.
//
// Usage: node scripts/single-html.mjs [DIR]   (DIR: Trunk's output; default $TRUNK_STAGING_DIR,
// else dist). Writes DIR/kubeplay.html, and puts the Content-Security-Policy (scripts/csp.mjs)
// into both it and DIR/index.html. Run by Trunk after every build (Trunk.toml hook): Trunk runs
// a stage's hooks at once, so the two jobs that edit the same files share this one.

import fs from 'node:fs';
import path from 'node:path';
import { withCsp } from './csp.mjs';

const dir = path.resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist');
const read = (ref) => fs.readFileSync(path.join(dir, ref.replace(/^(\.?\/)+/, '')));
const served = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
let html = served;

const need = (re, what) => {
  const m = html.match(re);
  if (!m) throw new Error(`single-html: no ${what} in ${dir}/index.html`);
  return m;
};
// Inside an inline <script>, "</script" would end it early: escape every "<".
const scriptSafe = (s) => JSON.stringify(s).replace(/</g, '\\u003c');

const css = need(/<link rel="stylesheet" href="([^"]+)"[^>]*\/?>/, 'stylesheet');
html = html.replace(css[0], () => `<style>\n${read(css[1]).toString('utf8')}\n</style>`);

const icon = html.match(/<link rel="icon" href="([^"]+\.svg)"[^>]*\/?>/);
if (icon) {
  const uri = `data:image/svg+xml;base64,${read(icon[1]).toString('base64')}`;
  html = html.replace(icon[0], () => `<link rel="icon" href="${uri}"/>`);
}

// Preloads of files that will no longer be fetched.
html = html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '');

const loader = need(/<script type="module">[\s\S]*?import init, \* as bindings from '([^']+)';\s*const wasm = await init\(\{ module_or_path: '([^']+)' \}\);[\s\S]*?<\/script>/, 'wasm-bindgen loader');
const js = read(loader[1]).toString('utf8');
const wasm = read(loader[2]).toString('base64');
html = html.replace(loader[0], () => `<script type="module">
const bytes = Uint8Array.from(atob(${scriptSafe(wasm)}), (c) => c.charCodeAt(0));
const module = URL.createObjectURL(new Blob([${scriptSafe(js)}], { type: 'text/javascript' }));
const bindings = await import(module);
const wasm = await bindings.default({ module_or_path: bytes });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
</script>`);

html = withCsp(html, { offline: true });
const out = path.join(dir, 'kubeplay.html');
fs.writeFileSync(out, html);
fs.writeFileSync(path.join(dir, 'index.html'), withCsp(served));
console.log(`single-html: ${path.relative(process.cwd(), out)} (${(html.length / 1024 / 1024).toFixed(1)} MiB)`);
