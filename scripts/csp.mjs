// The page's Content-Security-Policy, as a <meta> tag written into the HTML Trunk built: only the
// app's own script and wasm run, nothing is evaluated from strings, nothing comes from another
// origin. Inline scripts (Trunk's wasm loader, the offline file's loader) are allowed by the
// SHA-256 of their exact text, computed here after they are written.
//
// Why each source is there:
//   'wasm-unsafe-eval'  compiling the app's own WebAssembly (not JavaScript eval, which stays off)
//   blob:               the offline file imports its inlined wasm-bindgen module from a Blob URL
//   style 'unsafe-inline'  the board sets style attributes (well heights, colours) and the
//                       offline file inlines its stylesheet; styles cannot run code
//   img data:           the offline file's icon
// frame-ancestors is not set: a <meta> policy cannot carry it, and slides embed the page.

import crypto from 'node:crypto';

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The hashes of every inline <script> (one without a src) in `html`. */
function inlineScriptHashes(html) {
  const out = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\bsrc\s*=/.test(m[1])) continue;
    out.push(sha256(m[2]));
  }
  return out;
}

/** The policy for `html`: `offline` for the single file opened from file:// (no origin). */
export function policy(html, { offline = false } = {}) {
  const self = offline ? [] : ["'self'"];
  const directives = [
    ["default-src", "'none'"],
    ['script-src', ...self, "'wasm-unsafe-eval'", ...(offline ? ['blob:'] : []), ...inlineScriptHashes(html)],
    ['style-src', ...self, "'unsafe-inline'"],
    ['img-src', ...self, 'data:'],
    // Served workshops and the wasm itself are fetched from the page's own origin.
    ['connect-src', ...(offline ? ["'none'"] : self)],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['object-src', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** `html` with its CSP <meta> tag (replacing one already there), placed before any script. */
export function withCsp(html, opts) {
  const without = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/g, '');
  const tag = `<meta http-equiv="Content-Security-Policy" content="${policy(without, opts)}" />`;
  const charset = without.match(/<meta charset="[^"]*"\s*\/?>/);
  if (!charset) throw new Error('csp: no <meta charset> to put the policy after');
  return without.replace(charset[0], () => `${charset[0]}\n    ${tag}`);
}
