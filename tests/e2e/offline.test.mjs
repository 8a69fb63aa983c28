// The single-file build (dist/kubeplay.html, scripts/single-html.mjs) opened from file:// with
// every network request refused, as on a laptop at a venue with no Wi-Fi.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, SEL, launchBrowser, watchErrors, describeErrors } from './lib/browser.mjs';

describe('single offline HTML file', () => {
  it('runs from file:// with no network', { timeout: 120_000 }, async () => {
    const file = path.join(DIST_DIR, 'kubeplay.html');
    assert.ok(fs.existsSync(file), `${file} missing: trunk build runs scripts/single-html.mjs`);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const fetched = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${pathToFileURL(file)}?speed=5`);
      await page.waitForFunction(() => window.kubeplay, null, { timeout: 60_000 });
      assert.equal(await page.locator(SEL.node).count(), 3, describeErrors(errors));
      const out = await page.evaluate(() => window.kubeplay.run('kubectl create deployment web --image=nginx:1.10 --replicas=3'));
      assert.equal(out, 'deployment.apps/web created\n');
      await page.waitForFunction(() => document.querySelectorAll('[data-kind="pod"][data-ready="true"]').length === 3, null, { timeout: 60_000 });
      assert.deepEqual(fetched, []);
      assert.deepEqual(errors.page, []);
    } finally {
      await browser.close();
    }
  });
});
