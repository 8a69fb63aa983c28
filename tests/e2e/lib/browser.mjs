// Helpers for the browser suite: Debian's Chromium driven by playwright-core, the built app in
// dist/ served by ./server.mjs. Never downloads a browser.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DIST_DIR = path.resolve(process.env.KUBEPLAY_DIST ?? path.join(REPO_ROOT, 'dist'));
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output');
export const CHROMIUM = process.env.KUBEPLAY_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that work on these machines (root, offline). Playwright adds its own temporary
 *  --user-data-dir for every launch, so each run starts from an empty profile. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** DOM contract selectors (docs/TESTING.md). */
export const SEL = {
  consoleInput: '[data-testid="console-input"]',
  consoleOutput: '[data-testid="console-output"]',
  consoleEntry: '[data-testid="console-entry"]',
  simTime: '[data-testid="sim-time"]',
  playPause: '[data-testid="play-pause"]',
  speed: '[data-testid="speed"]',
  node: '[data-kind="node"]',
  pod: '[data-kind="pod"]',
};

/** Generous timeouts: the machine may have 2 busy cores. */
export const TIMEOUT = {
  action: 30_000,
  appReady: 90_000,
  command: 30_000,
};

export function ensureDist() {
  const index = path.join(DIST_DIR, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(
      `${index} is missing: run trunk build --release first ` +
        `(or scripts/test.sh, which builds it).`,
    );
  }
  return DIST_DIR;
}

export async function launchBrowser(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/setup.sh (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 120_000,
  });
}

/** Resolves once window.kubeplay exists and the console input is enabled. */
export function appReadyPredicate(sel) {
  const el = document.querySelector(sel);
  return Boolean(window.kubeplay && el && !el.disabled && el.getAttribute('aria-disabled') !== 'true');
}

/** Error collector for a page: uncaught exceptions, console.error, crashes, failed requests. */
export function watchErrors(page) {
  const errors = { page: [], console: [], requests: [] };
  page.on('pageerror', (err) => errors.page.push(String(err?.stack ?? err)));
  page.on('crash', () => errors.page.push('page crashed'));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // A missing favicon is not an app error.
    if (/favicon\.ico/.test(msg.location()?.url ?? '') || /favicon/.test(text)) return;
    errors.console.push(text);
  });
  page.on('requestfailed', (req) => {
    if (/favicon\.ico$/.test(req.url())) return;
    errors.requests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !/favicon\.ico$/.test(res.url())) {
      errors.requests.push(`${res.status()} ${res.url()}`);
    }
  });
  return errors;
}

/** Human-readable list of everything collected by watchErrors(), or '' when clean. */
export function describeErrors(errors) {
  const out = [];
  for (const e of errors.page) out.push(`page error: ${e}`);
  for (const e of errors.console) out.push(`console.error: ${e}`);
  for (const e of errors.requests) out.push(`request: ${e}`);
  return out.join('\n');
}

/**
 * Serve dist/, launch Chromium, open the app and wait until it is ready.
 * opts: { waitReady = true, viewport = {width: 1280, height: 800}, query = '' }
 * Returns { browser, context, page, url, server, errors, close }.
 */
export async function openApp(opts = {}) {
  const { waitReady = true, viewport = { width: 1280, height: 800 }, query = '' } = opts;
  ensureDist();
  const server = await startServer({ root: DIST_DIR });
  let browser;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT.action);
    const errors = watchErrors(page);
    const url = server.url + query;
    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT.appReady });
    if (waitReady) {
      try {
        await page.waitForFunction(appReadyPredicate, SEL.consoleInput, {
          timeout: TIMEOUT.appReady,
          polling: 100,
        });
      } catch (e) {
        await screenshot(page, 'app-not-ready').catch(() => {});
        throw new Error(
          `app not ready after ${TIMEOUT.appReady / 1000}s (window.kubeplay + enabled ` +
            `${SEL.consoleInput}): ${e.message}\n${describeErrors(errors)}`,
        );
      }
    }
    const close = async () => {
      await browser.close().catch(() => {});
      await server.close();
    };
    return { browser, context, page, url, server, errors, close };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.close();
    throw e;
  }
}

/**
 * Type `line` into the console and press Enter; wait for a new console entry and for its
 * text to settle; return that text (the echoed command line and its output).
 *
 * Entries present before the call are remembered by identity, so this works even if the
 * console trims old entries. Among new entries it prefers the last one that echoes `line`
 * (for lines up to 500 characters), so a stray entry (e.g. from an empty line typed just
 * before) is not mistaken for this command's; a new entry that does not echo the line is
 * accepted once it has been stable for about a second.
 */
export async function runConsole(page, line, { timeout = TIMEOUT.command } = {}) {
  await page.evaluate((sel) => {
    window.__e2eSeenEntries = new WeakSet(document.querySelectorAll(sel));
    window.__e2eSettle = undefined;
  }, SEL.consoleEntry);
  const input = page.locator(SEL.consoleInput);
  await input.fill(line, { timeout });
  await input.press('Enter', { timeout });
  const needle = line.trim().length > 0 && line.length <= 500 ? line.trim() : null;
  let handle;
  try {
    handle = await page.waitForFunction(
      ([sel, needle]) => {
        const fresh = [...document.querySelectorAll(sel)].filter(
          (e) => !window.__e2eSeenEntries.has(e),
        );
        if (fresh.length === 0) return false;
        const echoing = needle ? fresh.filter((e) => e.innerText.includes(needle)) : fresh;
        const pick = echoing.length ? echoing[echoing.length - 1] : fresh[fresh.length - 1];
        // Settle: same text on 3 polls in a row (output may be filled in after the entry
        // appears); 20 polls when the entry does not echo the line.
        const text = pick.innerText;
        const st = (window.__e2eSettle ??= { text: null, n: 0 });
        if (st.text === text) st.n += 1;
        else {
          st.text = text;
          st.n = 0;
        }
        if (st.n < (echoing.length ? 2 : 20)) return false;
        window.__e2eSettle = undefined;
        return { text };
      },
      [SEL.consoleEntry, needle],
      { timeout, polling: 50 },
    );
  } catch (e) {
    const last = await page
      .$$eval(SEL.consoleEntry, (els) => (els.length ? els[els.length - 1].innerText : '<no entries>'))
      .catch(() => '<page gone>');
    throw new Error(
      `runConsole(${JSON.stringify(line.length > 80 ? line.slice(0, 80) + '...' : line)}): ` +
        `no new ${SEL.consoleEntry} within ${timeout / 1000}s (${e.message.split('\n')[0]}); ` +
        `last entry: ${JSON.stringify(last.slice(0, 500))}`,
    );
  }
  const { text } = await handle.jsonValue();
  await handle.dispose();
  return text;
}

/** Save a full-page PNG to test-output/<name>.png; returns the path. */
export async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Read the data-* attributes of every element matching `selector`. */
export function readDataset(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => ({ ...e.dataset })));
}
