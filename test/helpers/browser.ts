/**
 * Launches Debian's chromium for browser tests through playwright-core: headless, no sandbox (CI runs
 * as root), no GPU, no network side-traffic, a fresh profile per launch, removed on close. Shared by the
 * lab's browser tests and any test that opens a page (e.g. an HTML report).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`SEGLOSS_CHROMIUM` overrides). */
export const CHROMIUM_PATH = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every launch passes. */
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

/** A running browser with one context; `close()` also removes its profile folder. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new page that records console errors, page errors and failed requests in `problems`. */
  newPage(): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/** True when the chromium binary exists (tests skip with a reason when it does not). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Starts chromium with {@link CHROMIUM_ARGS} and a fresh `--user-data-dir` (a persistent context on a
 * new temporary folder, which playwright passes as that flag).
 *
 * @example
 * ```ts
 * const browser = await launchBrowser();
 * const { page, problems } = await browser.newPage();
 * await page.goto(url);
 * await browser.close();
 * ```
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'segloss-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the lab's `train.html` + `query` on `page` (after `url`, the lab server's root), waits for it
 * to be ready, presses start and waits until the status reads `done` or `error` (a run with `steps=`
 * in the query ends by itself). Returns the page's error line (`''` when none).
 *
 * @example `assert.equal(await trainPageRun(page, server.url, '?seed=1&steps=3', 60_000), '')`
 */
export async function trainPageRun(
  page: Page,
  url: string,
  query: string,
  timeoutMs: number,
): Promise<string> {
  await page.goto(`${url}train.html${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(
    () =>
      ['done', 'error'].includes(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''),
    null,
    { timeout: timeoutMs },
  );
  return (await page.textContent('[data-testid="error"]')) ?? '';
}
