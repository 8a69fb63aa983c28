// Architecture invariant: the same seed and commands give the same trace natively and in wasm.
// The native test (crates/console/tests/trace.rs) and this one compare with the same file.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openApp, REPO_ROOT } from './lib/browser.mjs';

describe('determinism in wasm', () => {
  it('the story with seed 7 gives the committed trace, byte for byte', { timeout: 120_000 }, async () => {
    const dir = path.join(REPO_ROOT, 'tests/fixtures/trace');
    const script = fs.readFileSync(path.join(dir, 'story.kp'), 'utf8');
    const want = fs.readFileSync(path.join(dir, 'story-seed7.jsonl'), 'utf8');
    const app = await openApp();
    try {
      const got = await app.page.evaluate((s) => window.kubeplay.traceOf(7, s), script);
      assert.ok(got.length > 0);
      if (got !== want) {
        const a = got.split('\n');
        const b = want.split('\n');
        const i = a.findIndex((l, k) => l !== b[k]);
        assert.fail(`traces differ first at line ${i + 1}:\nwasm:   ${a[i]}\nnative: ${b[i]}`);
      }
    } finally {
      await app.close();
    }
  });
});
