// Requests you can see (issue 14): while traffic runs, dots travel from the Service's entry
// point to the pod that answered; a failure bursts where it failed, and the traffic panel splits
// the failed requests by the cause the engine gave them. A pod serving a TLS certificate close
// to expiry wears a badge. Screenshots go to test-output/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openApp, screenshot, describeErrors, OUTPUT_DIR } from './lib/browser.mjs';

const T = 240_000;
let app;

function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-requests-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

const run = (page, line) => page.evaluate((l) => window.kubeplay.run(l), line);

/**
 * Starts recording every dot the overlay adds: its outcome, pod, Service, where it goes
 * (relative to the overlay's layer) and, for the pod it goes to, that piece's centre then.
 */
async function recordDots(page) {
  await page.evaluate(() => {
    window.__dots = [];
    const layer = document.querySelector('.request-layer');
    const seen = (el) => {
      const cs = getComputedStyle(el);
      const lr = layer.getBoundingClientRect();
      const piece = el.dataset.pod && document.querySelector(`[data-kind=pod][data-name="${el.dataset.pod}"]`);
      const pr = piece?.getBoundingClientRect();
      window.__dots.push({
        outcome: el.dataset.outcome,
        pod: el.dataset.pod ?? null,
        service: el.dataset.service,
        node: piece?.dataset.node ?? null,
        to: [parseFloat(cs.getPropertyValue('--x1')), parseFloat(cs.getPropertyValue('--y1'))],
        from: [parseFloat(cs.getPropertyValue('--x0')), parseFloat(cs.getPropertyValue('--y0'))],
        piece: pr ? [pr.left + pr.width / 2 - lr.left, pr.top + pr.height / 2 - lr.top, pr.width, pr.height] : null,
        alive: document.querySelectorAll('[data-testid="request-dot"]').length,
      });
    };
    window.__dotObserver?.disconnect();
    window.__dotObserver = new MutationObserver((ms) => {
      for (const m of ms) for (const n of m.addedNodes) if (n.dataset?.testid === 'request-dot') seen(n);
    });
    window.__dotObserver.observe(layer, { childList: true });
  });
}

const dots = (page) => page.evaluate(() => window.__dots);

/** The traffic panel's causes: { cause: count }. */
const causes = (page) => page.$$eval('[data-testid="traffic-causes"] [data-cause]', (els) => Object.fromEntries(els.map((e) => [e.dataset.cause, +e.dataset.count])));

describe('requests on the board', () => {
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 } });
  }, { timeout: 180_000 });
  after(async () => {
    await app?.close();
  });

  it('sends dots from the Service to the pods that answered', { timeout: T }, step('ok', async (page) => {
    await page.selectOption('[data-testid="speed"]', '2');
    await run(page, 'kubectl create deployment web --image=nginx:1.25 --replicas=3');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length === 3, null, { timeout: 90_000 });
    await run(page, 'kubectl expose deployment web --port=80');
    await run(page, 'traffic svc/web --rps 20');
    await page.waitForSelector('[data-testid="service-entry"][data-name="web"]', { timeout: 30_000 });
    // Until kube-proxy has the new Service's endpoints (about a second), requests find none:
    // the first dots may say so. From the first answered one on, all are answered.
    await page.waitForSelector('[data-testid="request-dot"][data-outcome="ok"]', { state: 'attached', timeout: 30_000 });
    await page.waitForTimeout(1500);
    await recordDots(page);
    await page.waitForFunction(() => window.__dots.length >= 20, null, { timeout: 60_000 });
    const seen = await dots(page);
    const pods = await page.$$eval('[data-kind="pod"]', (els) => els.map((e) => e.dataset.name));
    for (const d of seen) {
      assert.equal(d.outcome, 'ok', JSON.stringify(d));
      assert.equal(d.service, 'web');
      assert.ok(pods.includes(d.pod), `${d.pod} is a pod on the board`);
      // Each dot ends on the centre of its pod's piece and starts elsewhere (the Service).
      assert.ok(Math.abs(d.to[0] - d.piece[0]) < 2 && Math.abs(d.to[1] - d.piece[1]) < 2, JSON.stringify(d));
      assert.ok(Math.hypot(d.to[0] - d.from[0], d.to[1] - d.from[1]) > 40, JSON.stringify(d));
      assert.ok(d.alive <= 60);
    }
    // kube-proxy spreads them: more than one pod answered.
    assert.ok(new Set(seen.map((d) => d.pod)).size >= 2);
    // A dot in flight moves: its transform changes between two looks.
    const moved = await page.evaluate(() => new Promise((resolve) => {
      const pick = () => [...document.querySelectorAll('[data-testid="request-dot"]')].find((d) => +getComputedStyle(d).opacity > 0.5);
      const look = () => {
        const d = pick();
        if (!d) return requestAnimationFrame(look);
        const a = getComputedStyle(d).transform;
        setTimeout(() => resolve(a !== getComputedStyle(d).transform), 120);
      };
      look();
    }));
    assert.ok(moved, 'a dot travels');
    await screenshot(page, 'requests-ok-1280');
    // Reduced motion: no travel, a brief mark where the request ended.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const still = await page.evaluate(() => new Promise((resolve) => {
      const look = () => {
        const d = [...document.querySelectorAll('[data-testid="request-dot"]')].find((e) => +getComputedStyle(e).opacity > 0.3);
        if (!d) return requestAnimationFrame(look);
        const cs = getComputedStyle(d);
        const m = new DOMMatrix(cs.transform);
        resolve({ name: cs.animationName, at: [m.e, m.f], to: [parseFloat(cs.getPropertyValue('--x1')), parseFloat(cs.getPropertyValue('--y1'))] });
      };
      look();
    }));
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.equal(still.name, 'req-mark');
    assert.ok(Math.abs(still.at[0] - still.to[0]) < 1 && Math.abs(still.at[1] - still.to[1]) < 1, JSON.stringify(still));
  }));

  it('bursts where a failed node drops requests, and the panel says why', { timeout: T }, step('node-down', async (page) => {
    await recordDots(page);
    await run(page, 'node fail node-1');
    await page.waitForFunction(() => window.__dots.some((d) => d.outcome === 'node-down'), null, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="traffic-causes"] [data-cause="node-down"]', { timeout: 30_000 });
    // Shot while dots fly and burst.
    await screenshot(page, 'requests-node-down-1280');
    const down = (await dots(page)).filter((d) => d.outcome !== 'ok');
    for (const d of down) {
      assert.equal(d.outcome, 'node-down', JSON.stringify(d));
      assert.equal(d.node, 'node-1', 'the failed request went to the pod on the failed node');
      assert.ok(Math.abs(d.to[0] - d.piece[0]) < 2 && Math.abs(d.to[1] - d.piece[1]) < 2, 'it bursts at that pod');
    }
    const c = await causes(page);
    assert.ok(c['node-down'] > 0, JSON.stringify(c));
  }));

  it('fails at the Service when no endpoint is left', { timeout: T }, step('no-endpoint', async (page) => {
    await run(page, 'node restore node-1');
    await run(page, 'kubectl scale deployment web --replicas=0');
    await recordDots(page);
    await page.waitForFunction(() => window.__dots.some((d) => d.outcome === 'no-endpoint'), null, { timeout: 90_000 });
    const none = (await dots(page)).filter((d) => d.outcome === 'no-endpoint');
    for (const d of none) {
      assert.equal(d.pod, null);
      // It bursts where it entered: at the Service.
      assert.ok(Math.hypot(d.to[0] - d.from[0], d.to[1] - d.from[1]) < 1, JSON.stringify(d));
    }
    await page.waitForSelector('[data-testid="traffic-causes"] [data-cause="no-endpoint"]', { timeout: 30_000 });
    // The causes add up to the failed total the panel shows.
    const { total, sum } = await page.evaluate(() => ({
      total: parseInt(document.querySelector('[data-testid="failed-requests"]').innerText, 10),
      sum: [...document.querySelectorAll('[data-testid="traffic-causes"] [data-cause]')].reduce((a, e) => a + +e.dataset.count, 0),
    }));
    assert.ok(total > 0);
    assert.equal(sum, total);
    const text = await page.locator('[data-testid="traffic-causes"]').innerText();
    assert.match(text, /\d+ no ready endpoint/);
    assert.match(text, /\d+ node down/);
    await screenshot(page, 'requests-no-endpoint-1280');
    await run(page, 'traffic stop');
  }));
});

/** DER: tag, length, contents. */
function der(tag, bytes) {
  const n = bytes.length;
  if (n < 0x80) return [tag, n, ...bytes];
  const len = [];
  for (let v = n; v > 0; v >>= 8) len.unshift(v & 0xff);
  return [tag, 0x80 | len.length, ...len, ...bytes];
}

/**
 * A PEM certificate with the structure of X.509 up to its validity (what a TLS app in the
 * playground reads): the engine's `tls::certificate_pem`, in JavaScript, so that a test can
 * pick its notAfter.
 */
function certificate(notAfter) {
  const ascii = (s) => [...Buffer.from(s, 'ascii')];
  const time = (s) => der(0x18, ascii(s));
  const name = der(0x30, der(0x31, der(0x30, [...der(0x06, [0x55, 0x04, 0x03]), ...der(0x0c, ascii('web.default.svc'))])));
  const alg = der(0x30, [...der(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]), ...der(0x05, [])]);
  const tbs = der(0x30, [...der(0xa0, der(0x02, [0x02])), ...der(0x02, [0x01]), ...alg, ...name, ...der(0x30, [...time('20251201000000Z'), ...time(notAfter)]), ...name]);
  const b64 = Buffer.from(der(0x30, [...tbs, ...alg, ...der(0x03, [0x00, 0x00])])).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
}

describe('certificates on the board', () => {
  let tls;
  before(async () => {
    tls = await openApp({ viewport: { width: 1920, height: 1080 } });
  }, { timeout: 180_000 });
  after(async () => {
    await tls?.close();
  });

  it('badges a pod whose certificate expires soon, then fails its requests as expired', { timeout: T }, async () => {
    const page = tls.page;
    try {
      await page.selectOption('[data-testid="speed"]', '5');
      // The cluster's clock starts at 2026-01-01T00:00:00Z: this certificate has three minutes.
      const pem = certificate('20260101000300Z').split('\n').map((l) => `    ${l}`).join('\n');
      await run(page, `kubectl apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: web-tls
type: kubernetes.io/tls
stringData:
  tls.key: placeholder
  tls.crt: |
${pem}
EOF`);
      await run(page, `kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
        volumeMounts:
        - name: tls
          mountPath: /etc/nginx/tls
      volumes:
      - name: tls
        secret:
          secretName: web-tls
EOF`);
      await run(page, 'kubectl expose deployment web --port=443 --target-port=443');
      await run(page, 'traffic svc/web --rps 20');
      await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"] [data-testid="cert-badge"]').length === 3, null, { timeout: 90_000 });
      const left = await page.$$eval('[data-kind="pod"]', (els) => els.map((e) => e.dataset.certExpiresIn));
      assert.ok(left.every((l) => /^\d+(s|m\d*s?)$/.test(l)), `minutes or seconds left: ${left}`);
      const badge = await page.locator('[data-testid="cert-badge"]').first().innerText();
      assert.match(badge, /^\d+(s|m\d*s?)$/);
      await screenshot(page, 'requests-cert-badge-1920');
      await page.locator('[data-kind="pod"]').first().locator('xpath=..').screenshot({ path: path.join(OUTPUT_DIR, 'requests-cert-badge-well.png') });
      // Past notAfter: the badge says so, and every request fails as certificate expired.
      await page.waitForFunction(() => [...document.querySelectorAll('[data-kind="pod"]')].every((e) => e.dataset.certExpiresIn === 'expired'), null, { timeout: 120_000 });
      // Dots show requests about a simulated second and a half after they were made: the
      // last answered ones are still on their way.
      await page.waitForTimeout(1500);
      await recordDots(page);
      await page.waitForFunction(() => window.__dots.length >= 10, null, { timeout: 60_000 });
      const seen = await dots(page);
      assert.ok(seen.every((d) => d.outcome === 'certificate-expired'), JSON.stringify(seen.map((d) => d.outcome)));
      await page.waitForSelector('[data-testid="traffic-causes"] [data-cause="certificate-expired"]', { timeout: 30_000 });
      await screenshot(page, 'requests-cert-expired-1920');
      assert.equal(describeErrors(tls.errors), '');
    } catch (e) {
      await screenshot(page, 'failure-requests-cert').catch(() => {});
      e.message += `\n${describeErrors(tls.errors)}`;
      throw e;
    }
  });
});
