// Share links, session files and the timeline, as a presenter and a learner use them: build a
// cluster by hand, share it, open the link in a fresh browser profile and find the same pods,
// node states and simulated time; the same link natively (`kubeplay run --from-link`); a
// corrupt link; a session file; scrubbing back before a node failed and forward again.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, runConsole, screenshot, appReadyPredicate, REPO_ROOT } from './lib/browser.mjs';

const T = 180_000;

/** What a person compares: each pod's name, node and phase, each node's status, the clock. */
async function state(page) {
  return page.evaluate(() => ({
    pods: [...document.querySelectorAll('[data-kind="pod"]')]
      .map((p) => `${p.dataset.name} ${p.dataset.node ?? ''} ${p.dataset.phase} ${p.dataset.status}`).sort(),
    nodes: [...document.querySelectorAll('[data-kind="node"]')].map((n) => `${n.dataset.name} ${n.dataset.status}`).sort(),
    clock: document.querySelector('[data-testid="sim-time"]').textContent,
  }));
}

async function pause(page) {
  const b = page.locator('[data-testid="play-pause"]');
  if ((await b.textContent()).includes('Pause')) await b.click();
}

/** Opens `url` in a new browser context (a fresh profile: no storage shared) and waits. */
async function openFresh(app, url) {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(appReadyPredicate, '[data-testid="console-input"]', { timeout: 60_000 });
  return { context, page, errors };
}

/** `kubectl get pods -o wide` natively, from the same link. */
function nativeGetPods(link) {
  const out = execFileSync('cargo', ['run', '-q', '--offline', '-p', 'kubeplay', '--', 'run', '--from-link', link, '-'], {
    cwd: REPO_ROOT, input: 'kubectl get pods -o wide\n', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
  return out;
}

describe('share links, session files and the timeline', () => {
  let app;
  let link;
  let sent;
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?speed=20' });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('a cluster built by hand opens from its link in a fresh profile, the same', { timeout: T }, async () => {
    const { page } = app;
    await runConsole(page, 'kubectl create deployment web --image=nginx --replicas=4');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length >= 4, null, { timeout: 60_000 });
    await runConsole(page, 'kubectl scale deployment web --replicas=6');
    await runConsole(page, 'node fail node-2');
    await page.waitForFunction(() => document.querySelector('[data-kind="node"][data-name="node-2"]')?.dataset.status === 'NotReady', null, { timeout: 60_000 });
    await pause(page);
    await page.locator('[data-testid="share"]').click();
    link = await page.locator('[data-testid="share-link"]').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#share=[A-Za-z0-9_-]+$/);
    await screenshot(page, 'share-dialog');
    await page.locator('[data-testid="share-close"]').click();
    sent = await state(page);
    assert.ok(sent.pods.length >= 6, sent.pods.join('\n'));

    const other = await openFresh(app, link);
    try {
      await other.page.waitForFunction((n) => document.querySelectorAll('[data-kind="pod"]').length >= n, sent.pods.length);
      const got = await state(other.page);
      assert.deepEqual(got, sent);
      // Paused, at the sender's speed, with the commands in the console's history.
      assert.match(await other.page.locator('[data-testid="play-pause"]').textContent(), /Play/);
      const history = await other.page.locator('[data-testid="console-entry"]').allInnerTexts();
      assert.ok(history.some((h) => h.includes('node fail node-2')), history.join('\n'));
      // The same `kubectl get pods -o wide` in both pages and natively.
      const here = await page.evaluate(() => window.kubeplay.run('kubectl get pods -o wide'));
      const there = await other.page.evaluate(() => window.kubeplay.run('kubectl get pods -o wide'));
      assert.equal(there, here);
      assert.equal(nativeGetPods(link), here);
      assert.deepEqual(other.errors, []);
      await screenshot(other.page, 'share-opened');
    } finally {
      await other.context.close();
    }
  });

  it('a corrupt link says so and opens an empty cluster', { timeout: T }, async () => {
    const other = await openFresh(app, `${app.url}#share=${'A'.repeat(40)}`);
    try {
      const msg = await other.page.locator('[data-testid="share-error"]').textContent();
      assert.match(msg, /The share link did not open: the link is corrupt/);
      assert.equal(await other.page.locator('[data-kind="node"]').count(), 0);
      assert.deepEqual(other.errors, []);
    } finally {
      await other.context.close();
    }
  });

  it('a session file opens from the file picker', { timeout: T }, async () => {
    const other = await openFresh(app, app.url);
    try {
      // A session too long for a link: 120 commands with a here-document each.
      const t0 = 1767225601000;
      // Random notes: they do not compress, as a real long session's varied commands do not.
      const note = () => Array.from({ length: 12 }, () => Math.random().toString(36).slice(2)).join('');
      const manifest = (i) => `kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  note: "${note()}"\nEOF`;
      const log = Array.from({ length: 120 }, (_, i) => ({ at_ms: t0 + i * 1000, line: manifest(i) }));
      const session = { format: 1, scenario: 'default', seed: 5, speed: 2, now_ms: t0 + 130_000, log };
      const file = path.join(os.tmpdir(), `long-${process.pid}.kubeplay.json`);
      fs.writeFileSync(file, JSON.stringify(session));
      await other.page.locator('[data-testid="share"]').click();
      await other.page.locator('[data-testid="share-open"]').setInputFiles(file);
      await other.page.waitForFunction(() => document.querySelector('[data-testid="sim-time"]').textContent === '00:02:11');
      const out = await other.page.evaluate(() => window.kubeplay.run('kubectl get configmap --no-headers | grep -c settings-'));
      assert.equal(out.trim(), '120');
      // Shared again, it is too long for a link and offered as a file.
      await other.page.locator('[data-testid="share"]').click();
      await other.page.locator('[data-testid="share-too-long"]').waitFor();
      const [download] = await Promise.all([
        other.page.waitForEvent('download'),
        other.page.locator('[data-testid="share-download"]').click(),
      ]);
      const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      assert.equal(saved.log.length, 121);
      assert.equal(saved.seed, 5);
      fs.rmSync(file);
      // A file dropped on the page opens too: here the first session again.
      await other.page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.kubeplay.json', { type: 'application/json' }));
        document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, JSON.stringify(session));
      await other.page.waitForFunction(() => document.querySelector('[data-testid="sim-time"]').textContent === '00:02:11');
      const again = await other.page.evaluate(() => window.kubeplay.run('kubectl get configmap --no-headers | grep -c settings-'));
      assert.equal(again.trim(), '120');
    } finally {
      await other.context.close();
    }
  });

  it('the timeline rewinds to before the node failed, and plays on to the same end', { timeout: T }, async () => {
    const { page } = app;
    const marks = await page.$$eval('[data-testid="timeline-mark"]', (els) => els.map((e) => ({ kind: e.dataset.kind, title: e.title })));
    assert.ok(marks.some((m) => m.kind === 'command' && m.title.includes('node fail node-2')), JSON.stringify(marks));
    assert.ok(marks.some((m) => m.kind === 'event' && m.title.includes('node not ready')), JSON.stringify(marks));
    const end = await state(page);
    // `[` steps back mark by mark (a command's mark shows the cluster just after it ran); once
    // before `node fail`, the command is gone from the console and node-2 is Ready again.
    const history = () => page.locator('[data-testid="console-entry"]').allInnerTexts();
    for (let i = 0; i < 8 && (await history()).some((h) => h.includes('node fail')); i++) {
      await page.keyboard.press('[');
      await page.waitForTimeout(100);
    }
    assert.ok(!(await history()).some((h) => h.includes('node fail')), (await history()).join('\n'));
    const back = await state(page);
    assert.ok(back.nodes.includes('node-2 Ready'), back.nodes.join(', '));
    assert.equal(await page.locator('[data-testid="timeline"]').getAttribute('data-rewound'), 'true');
    await screenshot(page, 'timeline-rewound');
    // Play on: the recorded commands run again at their times, up to the same end.
    await page.locator('[data-testid="play-pause"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.rewound === 'false', null, { timeout: 90_000 });
    await pause(page);
    const again = await state(page);
    assert.deepEqual(again.nodes, end.nodes);
    // Dragging the scrubber to the start shows the scenario's cluster, with no pods yet.
    await page.locator('[data-testid="timeline-scrubber"]').fill('0');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"]').length === 0);
    assert.equal((await state(page)).clock, '00:00:01');
    // `]` steps forward to the first mark: the first command has run.
    await page.locator('body').press(']');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="console-entry"]').length === 1);
    assert.equal(await page.locator('[data-testid="timeline"]').getAttribute('data-rewound'), 'true');
    // A new command here starts a new branch: the recorded future is dropped.
    await runConsole(page, 'kubectl create deployment other --image=nginx');
    assert.equal(await page.locator('[data-testid="timeline"]').getAttribute('data-rewound'), 'false');
    const [at, last] = (await page.locator('[data-testid="timeline-position"]').textContent()).split(' / ');
    assert.equal(at, last);
    assert.ok(!(await history()).some((h) => h.includes('node fail')));
  });
});
