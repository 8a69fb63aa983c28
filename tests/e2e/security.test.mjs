// The page is closed to injection: a Content-Security-Policy in the served page and in the
// offline file allows only the app's own script and wasm, and markup put where users can put
// text (annotations, ConfigMap values, image names that end up in event messages, URL
// parameters) is shown as text and never runs. Two layers are checked: no payload ran (its
// sentinel is unset) and no payload became an element (no element carries an `on…` attribute
// and no stray <script>/<img>/<svg>/<iframe> appeared); any CSP violation report fails too.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, runConsole, DIST_DIR } from './lib/browser.mjs';

const T = 120_000;
const PAYLOADS = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `<svg onload="window.__pwned='svg'"></svg>`,
  `"><iframe src="javascript:window.top.__pwned='iframe'"></iframe>`,
];

/** Records CSP violations from the first script on, in every page of the context. */
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/** Nothing ran and nothing became markup. */
async function expectInert(page, where) {
  const r = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    csp: window.__csp ?? [],
    handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes]
      .filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName.toLowerCase()}[${a.name}]`)),
    stray: [...document.querySelectorAll('body script, img, iframe, body svg:not([class]), object, embed')]
      .filter((e) => !e.closest('[data-testid="traffic-chart"]'))
      .map((e) => e.outerHTML.slice(0, 80)),
  }));
  assert.equal(r.pwned, null, `${where}: a payload ran`);
  assert.deepEqual(r.handlers, [], `${where}: elements with event-handler attributes`);
  assert.deepEqual(r.stray, [], `${where}: injected elements`);
  assert.deepEqual(r.csp, [], `${where}: Content-Security-Policy violations`);
}

describe('security: CSP and injection', () => {
  it('the served page and the offline file both carry the policy', () => {
    for (const file of ['index.html', 'kubeplay.html']) {
      const html = fs.readFileSync(path.join(DIST_DIR, file), 'utf8');
      const m = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
      assert.ok(m, `${file}: no CSP meta tag`);
      const csp = m[1];
      assert.match(csp, /default-src 'none'/, file);
      assert.match(csp, /script-src [^;]*'sha256-/, `${file}: inline scripts by hash`);
      assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*'unsafe-inline'|https?:|\*/, `${file}: ${csp}`);
      // The policy comes before any script, or it would not cover it.
      assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), `${file}: policy after a script`);
    }
  });

  describe('markup typed by users stays text', () => {
    let app;
    before(async () => {
      app = await openApp({ viewport: { width: 1280, height: 720 }, waitReady: false });
      await watchCsp(app.context);
      await app.page.reload({ waitUntil: 'load' });
      await app.page.waitForFunction(() => window.kubeplay && !document.querySelector('[data-testid="console-input"]')?.disabled, null, { timeout: 90_000 });
    }, { timeout: 120_000 });
    after(async () => {
      await app?.close();
    });

    it('in annotations, labels, ConfigMap values and image names (events)', { timeout: T }, async () => {
      const { page } = app;
      const quoted = (s) => `'${s.replace(/'/g, `'"'"'`)}'`;
      await runConsole(page, `kubectl create deployment web --image=nginx --replicas=2`);
      await runConsole(page, `kubectl run bad --image=${quoted(PAYLOADS[0])}`);
      for (const [i, p] of PAYLOADS.entries()) {
        await runConsole(page, `kubectl annotate deployment web note${i}=${quoted(p)}`);
        await runConsole(page, `kubectl create configmap cm${i} --from-literal=k=${quoted(p)}`);
      }
      const out = await runConsole(page, 'kubectl describe deployment web');
      assert.ok(out.includes(PAYLOADS[0]), `describe shows the annotation as text:\n${out}`);
      const cm = await runConsole(page, 'kubectl get configmap cm1 -o yaml');
      assert.ok(cm.includes('<script>'), cm);
      // The bad image's events (Pulling, Failed...) reach the events panel.
      await page.waitForFunction(() => document.querySelector('[data-testid="events"]')?.textContent.includes('onerror'), null, { timeout: 60_000 });
      // The pod card shows the pod's image and events.
      await page.locator('[data-kind="pod"][data-name="bad"]').click();
      await page.waitForSelector('[data-testid="pod-details"]');
      assert.ok((await page.locator('[data-testid="pod-details"]').innerText()).includes('onerror'));
      await page.waitForTimeout(1000);
      await expectInert(page, 'cluster objects');
    });

    it('in the manifest editor', { timeout: T }, async () => {
      const { page } = app;
      await page.keyboard.press('Escape');
      await page.locator('.editor summary').click();
      const editor = page.locator('[data-testid="manifest-editor"]');
      await editor.fill(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${PAYLOADS[1]}\n  labels: [${PAYLOADS[0]}\n`);
      await page.waitForTimeout(800);
      await expectInert(page, 'editor');
    });
  });

  it('in URL parameters', { timeout: T }, async () => {
    const app = await openApp({ waitReady: false });
    try {
      await watchCsp(app.context);
      for (const [name, p] of [['workshop', PAYLOADS[0]], ['panels', PAYLOADS[2]], ['seed', PAYLOADS[1]], ['scenario', PAYLOADS[3]], ['theme', PAYLOADS[0]], ['speed', PAYLOADS[2]]]) {
        await app.page.goto(`${app.url.replace(/\/?(\?.*)?$/, "/")}?${name}=${encodeURIComponent(p)}`, { waitUntil: 'load' });
        await app.page.waitForFunction(() => window.kubeplay && !document.querySelector('[data-testid="console-input"]')?.disabled, null, { timeout: 90_000 });
        await app.page.waitForTimeout(500);
        await expectInert(app.page, `?${name}=`);
      }
      // A workshop that does not exist says so, with the name as text.
      await app.page.goto(`${app.url.replace(/\/?(\?.*)?$/, "/")}?workshop=${encodeURIComponent(PAYLOADS[0])}`, { waitUntil: 'load' });
      await app.page.waitForSelector('[data-testid="workshop-error"]', { timeout: 60_000 });
      assert.ok((await app.page.locator('[data-testid="workshop-error"]').innerText()).includes('onerror'));
      await expectInert(app.page, '?workshop= error');
    } finally {
      await app.close();
    }
  });
});
