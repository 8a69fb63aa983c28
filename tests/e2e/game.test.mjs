// "Be the scheduler" played through the DOM contract at 1280×720: `?game=7` opens the game,
// ← → move the piece, Space drops it and the score changes, a well whose node a filter rejects
// refuses the drop with the plugin and kube-scheduler's reason, keys typed into a field do not
// move the piece, the game is played to its end screen, whose replays through the default and
// bin-packing profiles are the ones the native build computes (tests/fixtures/game/), the best
// score survives a reload, and the header's button opens and closes a game.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, screenshot, describeErrors, REPO_ROOT } from './lib/browser.mjs';

const T = 180_000;
const GAME = '[data-testid="game"]';
const WELL = `${GAME} [data-kind="node"]`;
const PIECE = '[data-testid="game-piece"]';
const SCORE = '[data-testid="game-score"]';
const END = '[data-testid="game-end"]';
const REPLAYS = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'game', 'seed7-replays.txt'), 'utf8');

let app;
function step(name, fn) {
  return async () => {
    try {
      await fn(app.page);
    } catch (e) {
      if (app?.page) await screenshot(app.page, `failure-game-${name}`).catch(() => {});
      const extra = app ? describeErrors(app.errors) : '';
      if (extra) e.message += `\n--- browser errors ---\n${extra}`;
      throw e;
    }
  };
}

const piece = (page) => page.evaluate((sel) => {
  const { testid, ...data } = { ...document.querySelector(sel)?.dataset };
  return data;
}, PIECE);
const score = async (page) => Number(await page.textContent(SCORE));
/** Waits until the falling piece is another pod than `index`, or the game is over. */
const nextPiece = (page, index) => page.waitForFunction(([p, e, i]) =>
  document.querySelector(e) || document.querySelector(p)?.dataset.index !== i, [PIECE, END, index]);

describe('Be the scheduler', () => {
  before(async () => {
    app = await openApp({ viewport: { width: 1280, height: 720 }, query: '?game=7' });
  }, { timeout: 120_000 });
  after(async () => {
    await app?.close();
  });

  it('opens from ?game=7 with six wells and the first pod over the first', { timeout: T }, step('open', async (page) => {
    await page.waitForSelector(`${GAME}[data-seed="7"]`);
    const wells = await page.$$eval(WELL, (els) => els.map((e) => e.dataset.name));
    assert.deepEqual(wells, ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6']);
    // The sequence of seed 7 (crates/game/src/tests.rs): worker-1 comes first.
    assert.deepEqual(await piece(page), { pod: 'worker-1', column: 'node-1', index: '0', fits: 'true' });
    assert.equal(await score(page), 0);
  }));

  it('moves with ← →, drops with Space, and scores the move against kube-scheduler', { timeout: T }, step('drop', async (page) => {
    for (const k of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft']) await page.keyboard.press(k);
    assert.equal((await piece(page)).column, 'node-3');
    await page.keyboard.press('Space');
    await nextPiece(page, '0');
    const s = await score(page);
    assert.ok(s > 0 && s <= 125, `score after one drop: ${s}`);
    // Where the default profile would have put it, and the share of its score.
    const last = await page.textContent('[data-testid="game-last"]');
    assert.match(last, /worker-1 on node-3: kube-scheduler \(default profile\) would have put it (on node-\d|there too)/);
    assert.match(last, /\d+% of kube-scheduler's score/);
    await page.waitForSelector(`${WELL}.best`);
    assert.equal((await piece(page)).pod, 'worker-2');
  }));

  it('refuses a drop on a node a filter rejects, with the plugin and its reason', { timeout: T }, step('refuse', async (page) => {
    const before = await piece(page);
    const points = await score(page);
    // node-5 carries dedicated=db:NoSchedule; worker-2 does not tolerate it.
    assert.equal(await page.getAttribute(`${WELL}[data-name="node-5"]`, 'data-fits'), 'false');
    await page.click(`${WELL}[data-name="node-5"]`);
    const refusal = page.locator(`${GAME} [data-testid="game-refusal"][data-node="node-5"]`);
    await refusal.waitFor();
    assert.equal(await refusal.textContent(), 'Refused: TaintToleration: node(s) had untolerated taint(s)');
    // Nothing changed but where the piece hangs: the same pod, the same score.
    const after = await piece(page);
    assert.deepEqual([after.pod, after.index, after.column, after.fits], [before.pod, before.index, 'node-5', 'false']);
    assert.equal(await score(page), points);
  }));

  it('leaves the keys to a field that has focus', { timeout: T }, step('typing', async (page) => {
    const column = (await piece(page)).column;
    await page.focus('[data-testid="speed"]');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await piece(page)).column, column);
    await page.focus(GAME);
    await page.keyboard.press('ArrowLeft');
    assert.equal((await piece(page)).column, 'node-4');
  }));

  it('plays to the end screen, which sets the player beside both profiles', { timeout: T }, step('end', async (page) => {
    for (let moves = 0; moves < 400 && !(await page.locator(END).count()); moves++) {
      const p = await piece(page);
      if (!p.pod) continue;
      if (p.fits === 'true') {
        await page.keyboard.press('Space');
        await nextPiece(page, p.index);
        // One drop per Space, even with a well's button focused (its click on keyup is the
        // game's to stop).
        const next = await piece(page);
        if (next.index) assert.equal(Number(next.index), Number(p.index) + 1);
      } else if (p.column === 'node-6') {
        // Clicking a well moves there and drops: the first well that takes the pod.
        await page.click(`${WELL}[data-fits="true"]`);
        await nextPiece(page, p.index);
      } else {
        await page.keyboard.press('ArrowRight');
      }
    }
    await page.waitForSelector(END);
    const columns = await page.$$eval(`${END} [data-testid="game-column"]`, (els) => els.map((e) => ({
      title: e.dataset.title,
      ...Object.fromEntries([...e.querySelectorAll('dd')].map((d) => [d.dataset.field, d.textContent])),
    })));
    assert.deepEqual(columns.map((c) => c.title), ['You', 'default-scheduler', 'bin-packing']);
    for (const c of columns) {
      assert.match(c.cpu, /^\d+(\.\d)?\/\d+$/);
      assert.match(c.memory, /^\d+Gi\/\d+Gi$/);
      assert.match(c.fragmentation, /^\d+%$/);
    }
    assert.equal(Number(columns[0].score), await score(page));
    // The same seed gives the same game in wasm as natively: the replays depend on the seed
    // alone, placement by placement.
    assert.equal(await page.getAttribute(END, 'data-replay'), REPLAYS);
    assert.match(await page.textContent(`${END} .ge-why`), /0\/6 nodes are available: /);
    await screenshot(page, 'game-end');
  }));

  it('keeps the best score of the seed across a reload, and plays again', { timeout: T }, step('best', async (page) => {
    const s = await score(page);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector(`${GAME}[data-seed="7"]`);
    assert.equal(await page.textContent(`${GAME} .game-best`), `Best ${s}`);
    assert.equal(await score(page), 0);
  }));

  it('opens from the header and goes back to the cluster', { timeout: T }, step('header', async (page) => {
    await page.click('[data-testid="game-close"]');
    await page.waitForSelector(GAME, { state: 'detached' });
    await page.waitForSelector('[data-testid="console-input"]', { state: 'visible' });
    await page.click('[data-testid="game-open"]');
    await page.waitForSelector(`${GAME} ${PIECE}`);
    assert.equal(await page.locator(WELL).count(), 6);
    await page.click('[data-testid="game-open"]');
    await page.waitForSelector(GAME, { state: 'detached' });
    assert.deepEqual(app.errors.page, []);
  }));
});
