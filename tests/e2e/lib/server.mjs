// Tiny static file server for the built app (dist/), Node built-ins only.
//
//   import { startServer } from './server.mjs';
//   const srv = await startServer({ root: 'dist' });   // port 0 = a free port
//   console.log(srv.url); ... await srv.close();
//
// Or from the shell:  node tests/e2e/lib/server.mjs [root=dist] [port=8080]
//
// - correct Content-Type per extension (application/wasm for .wasm, so that
//   WebAssembly.instantiateStreaming works);
// - `Cache-Control: no-store`, so a rebuilt dist/ is never served stale;
// - a directory serves its index.html; an unknown path without a file extension serves
//   /index.html (client-side routes); anything else unknown is 404;
// - paths cannot escape the root.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function contentType(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolve a URL path to a file under root, or null. */
function resolveFile(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const abs = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (abs !== root && !abs.startsWith(root + path.sep)) return null;
  let st;
  try {
    st = fs.statSync(abs);
  } catch {
    return null;
  }
  if (st.isDirectory()) {
    const idx = path.join(abs, 'index.html');
    return fs.existsSync(idx) ? idx : null;
  }
  return st.isFile() ? abs : null;
}

/**
 * Start serving `root`. Resolves to { url, port, host, root, close() }.
 * `url` ends with '/'.
 */
export function startServer({ root = 'dist', port = 0, host = '127.0.0.1', log = false } = {}) {
  const absRoot = path.resolve(root);
  if (!fs.existsSync(absRoot) || !fs.statSync(absRoot).isDirectory()) {
    return Promise.reject(new Error(`static server: ${absRoot} is not a directory`));
  }
  const server = http.createServer((req, res) => {
    const send = (status, headers, body) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      if (req.method === 'HEAD' || body === undefined) res.end();
      else if (body instanceof fs.ReadStream) body.pipe(res);
      else res.end(body);
      if (log) console.error(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed\n');
    }
    const urlPath = (req.url || '/').split('?')[0];
    let file = resolveFile(absRoot, urlPath);
    if (!file && path.posix.extname(urlPath) === '') {
      file = resolveFile(absRoot, '/index.html'); // client-side route
    }
    if (!file) {
      return send(404, { 'Content-Type': 'text/plain; charset=utf-8' }, `not found: ${urlPath}\n`);
    }
    let size;
    try {
      size = fs.statSync(file).size;
    } catch {
      return send(404, { 'Content-Type': 'text/plain; charset=utf-8' }, `not found: ${urlPath}\n`);
    }
    send(200, { 'Content-Type': contentType(file), 'Content-Length': String(size) },
      req.method === 'HEAD' ? undefined : fs.createReadStream(file));
  });
  // Don't let idle keep-alive sockets hold close() up.
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}/`,
        port: actual,
        host,
        root: absRoot,
        server,
        close: () =>
          new Promise((res) => {
            server.close(() => res());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? 'dist';
  const port = Number(process.argv[3] ?? 8080);
  startServer({ root, port, log: true }).then(
    (s) => console.log(`serving ${s.root} at ${s.url} (Ctrl-C to stop)`),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
