// The axe-core accessibility scan (WCAG 2 A and AA rules, axe's defaults) over the page's main
// views, at 1280×720: the board with pods, a pod's card and the scheduler's inspector (an
// unschedulable pod too), the manifest editor, the panels, the dark theme, the workshop
// panel with a hint shown, the Share dialog and the timeline rewound, the game ("Be the scheduler")
// open and its end screen. Each view must have no violation at all.
//
// axe is injected through the dev tools protocol (page.evaluate), so the page's own
// Content-Security-Policy, which allows no other script, does not stop it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, runConsole, screenshot, REPO_ROOT } from './lib/browser.mjs';

const AXE = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const T = 120_000;

/** Runs axe on the whole page; fails with each violation, its nodes and why. */
async function expectNoViolations(page, view) {
  // Scan the page at rest: a piece caught mid-drop is half transparent, and its blended colours
  // are not the ones a reader sees once it lands.
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => {}))));
  await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  if (violations.length) await screenshot(page, `a11y-${view}`).catch(() => {});
  const text = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 5)
    .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 240)}`).join('\n')).join('\n');
  assert.equal(violations.length, 0, `axe violations in ${view}:\n${text}`);
}

describe('accessibility (axe-core)', () => {
  let app;
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?workshop=kelsey-2016' });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('the first screen: workshop panel, empty board, console', { timeout: T }, async () => {
    await app.page.waitForSelector('[data-testid="workshop"]');
    await expectNoViolations(app.page, 'first-screen');
  });

  it('the board with pods of two deployments, a taint and a Service', { timeout: T }, async () => {
    const { page } = app;
    await runConsole(page, 'kubectl create deployment web --image=nginx --replicas=5');
    await runConsole(page, 'kubectl create deployment api --image=nginx:1.27 --replicas=3');
    await runConsole(page, 'kubectl expose deployment web --port=80');
    await runConsole(page, 'kubectl taint node node-3 dedicated=batch:NoSchedule');
    await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"]').length >= 8);
    await page.waitForTimeout(3000);
    await expectNoViolations(page, 'board');
  });

  it('a pod card with the scheduler inspector, and an unschedulable pod', { timeout: T }, async () => {
    const { page } = app;
    await page.locator('[data-kind="pod"]').first().click();
    await page.waitForSelector('[data-testid="pod-details"]');
    await expectNoViolations(page, 'pod-card');
    await page.keyboard.press('Escape');
    await runConsole(page, 'kubectl taint nodes --all full=yes:NoSchedule --overwrite');
    await runConsole(page, 'kubectl run lost --image=nginx');
    const lost = page.locator('[data-kind="pod"][data-name="lost"]');
    await lost.waitFor();
    await page.waitForTimeout(1500);
    await lost.click();
    await page.waitForSelector('[data-testid="inspector-unschedulable"]');
    await expectNoViolations(page, 'inspector-unschedulable');
    await page.keyboard.press('Escape');
  });

  it('the manifest editor, open', { timeout: T }, async () => {
    const { page } = app;
    await page.locator('.editor summary').click();
    await page.waitForSelector('[data-testid="manifest-editor"]');
    await expectNoViolations(page, 'editor');
    await page.locator('.editor summary').click();
  });

  it('the workshop panel with a hint revealed', { timeout: T }, async () => {
    const { page } = app;
    // Step 3 has a hint shown while its check fails: jump there (the cluster is rebuilt).
    await page.locator('[data-testid="workshop-step"]').nth(2).locator('[data-testid="workshop-goto"]').click();
    await page.waitForSelector('[data-testid="workshop-step"][data-state="current"] [data-testid="workshop-hint"]', { timeout: 90_000 });
    await page.locator('[data-testid="workshop-hint"]').first().click();
    await page.waitForSelector('[data-testid="workshop-hint-text"]');
    await expectNoViolations(page, 'workshop-hint');
  });

  it('the Share dialog, and the timeline rewound', { timeout: T }, async () => {
    const { page } = app;
    await page.locator('[data-testid="share"]').click();
    await page.waitForSelector('[data-testid="share-dialog"]');
    await expectNoViolations(page, 'share');
    await page.locator('[data-testid="share-close"]').click();
    await page.locator('[data-testid="timeline-mark"]').first().click();
    await page.waitForSelector('[data-testid="timeline"][data-rewound="true"]');
    await expectNoViolations(page, 'timeline-rewound');
    await page.locator('[data-testid="timeline-live"]').click();
    await page.waitForSelector('[data-testid="timeline"][data-rewound="false"]');
  });

  it('the dark theme, with traffic in the panels', { timeout: T }, async () => {
    const { page } = app;
    await page.locator('button.theme').click();
    await page.waitForSelector('.app[data-theme="dark"]');
    // After the jump the cluster is step 3's: the nginx Deployment and its Service.
    await runConsole(page, 'traffic svc/nginx --rps 20');
    await page.waitForTimeout(2000);
    await expectNoViolations(page, 'dark');
  });

  it('the game, open and at its end screen', { timeout: T }, async () => {
    const { page } = app;
    const url = new URL(app.url);
    url.search = '?game=7';
    await page.goto(url.href, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="game"] [data-testid="game-piece"]');
    // A refused drop first, so that the refusal is scanned too.
    await page.locator('[data-testid="game"] [data-kind="node"][data-fits="false"]').first().click();
    await page.waitForSelector('[data-testid="game-refusal"]');
    await expectNoViolations(page, 'game');
    // Clicking a well drops there: the first that takes each pod, to the end.
    for (let i = 0; i < 200 && !(await page.locator('[data-testid="game-end"]').count()); i++) {
      await page.locator('[data-testid="game"] [data-kind="node"][data-fits="true"]').first().click();
    }
    await page.waitForSelector('[data-testid="game-end"]');
    await expectNoViolations(page, 'game-end');
  });
});
