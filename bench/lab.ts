/**
 * The browser lab's bundle sizes and times to first render, in Debian's chromium (headless, no GPU),
 * and its training step with 1 and 2 workers per model.
 *
 * Usage: `npm run build && node --import tsx bench/lab.ts [--loads 5] [--steps 30] [--rounds 2]
 * [--workers-only]`. Prints each built file's size (raw and gzip -9, as a server with compression
 * would send it; the pages share chunks), what each page downloads on a first visit, and per page the
 * median over `--loads` page loads, with the browser cache cleared (cold) and kept (warm), of the time
 * from navigation start to the first complete render (`document.body.dataset.readyMs`, set after the
 * page has drawn), plus the train page's time per training step in one worker (one loss, 32x32, batch
 * 8) and the main-thread tasks over 50 ms meanwhile (PerformanceObserver 'longtask': the page stays
 * responsive when there are none). Then ms per training step with 1 and with 2 workers per model (the
 * lab's data-parallel step on step Web Workers), in alternating rounds, on the lab's defaults (one
 * loss, 32x32, batch 8, U-Net 8-16-32), at 64x64 with batch 8 (the smallest step whose default is 2
 * workers: `labDefaultWorkers`) and on a larger setting (64x64, batch 16, U-Net 16-32-64): the
 * median over `--steps` steps (default 30) after the first 5 of each round (`--rounds`, default 2) of
 * the step alone (`stepMs`, no validation), and their ratio. `--workers-only` skips the sizes and
 * page loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { labAppDir } from '../src/web-server/app-dir.js';
import { startLabServer } from '../src/web-server/server.js';
import { launchBrowser, trainPageRun } from '../test/helpers/browser.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback;
const loads = flag('--loads', 5);
const steps = Math.max(10, flag('--steps', 30));
const rounds = flag('--rounds', 2);
const workersOnly = args.includes('--workers-only');
const root = labAppDir();
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

if (!workersOnly) printSizes();

/** Each built file's size, raw and gzipped. */
function printSizes(): void {
  console.log('file                     raw        gzip');
  const files = [
    ...readdirSync(root).filter((f) => f.endsWith('.js') || f.endsWith('.html') || f.endsWith('.css')),
    ...readdirSync(join(root, 'chunks')).map((f) => `chunks/${f}`),
    ...readdirSync(join(root, 'wasm')).map((f) => `wasm/${f}`),
  ];
  const total = { raw: 0, gzip: 0 };
  for (const f of files.sort()) {
    const bytes = readFileSync(join(root, f));
    if (f.endsWith('.js')) {
      total.raw += bytes.length;
      total.gzip += gzipSync(bytes, { level: 9 }).length;
    }
    console.log(
      `${f.padEnd(40)} ${kib(statSync(join(root, f)).size).padStart(9)} ${kib(gzipSync(bytes, { level: 9 }).length).padStart(9)}`,
    );
  }

  console.log(`all JavaScript: ${kib(total.raw)}, ${kib(total.gzip)} gzipped file by file`);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const server = await startLabServer({ root, port: 0 });
const browser = await launchBrowser();
try {
  if (!workersOnly) await pageLoads();
  await workerSteps();
} finally {
  await browser.close();
  await server.close();
}

/** First-render times of both pages, then 40 steps of the train page and its main-thread long tasks. */
async function pageLoads(): Promise<void> {
  for (const [name, path] of [
    ['post page (/, defaults: 8 images 64x64)', ''],
    ['train page (/train.html)', 'train.html'],
  ] as const) {
    const times = { cold: [] as number[], warm: [] as number[] };
    const bytes = { js: 0, wasm: 0, other: 0 };
    for (let i = 0; i < 2 * loads; i++) {
      const cold = i % 2 === 0;
      const { page } = await browser.newPage();
      if (cold) {
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
      }
      const count = async (r: import('playwright-core').Response) => {
        // Bytes that came over the network (0 for answers from the browser's cache).
        const n = (
          await r
            .request()
            .sizes()
            .catch(() => ({ responseBodySize: 0 }))
        ).responseBodySize;
        const kind = r.url().endsWith('.js') ? 'js' : r.url().endsWith('.wasm') ? 'wasm' : 'other';
        bytes[kind] += n;
      };
      // What the page and its worker download on a first visit, by kind.
      if (i === 0) browser.context.on('response', count);
      await page.goto(server.url + path);
      await page.waitForSelector('body[data-ready="true"]');
      times[cold ? 'cold' : 'warm'].push(Number(await page.getAttribute('body', 'data-ready-ms')));
      if (i === 0) {
        await page.waitForTimeout(1500); // the train page's worker loads its code after the first render
        browser.context.off('response', count);
        console.log(
          `${name}: a first visit downloads ${kib(bytes.js)} of JavaScript, ${kib(bytes.wasm)} of wasm, ${kib(bytes.other)} else`,
        );
      }
      await page.close();
    }
    for (const k of ['cold', 'warm'] as const) {
      const list = times[k].map((t) => t.toFixed(0)).join(', ');
      console.log(
        `${name}: first render, ${k} cache: ${median(times[k]).toFixed(0)} ms (median of ${loads}; ${list})`,
      );
    }
  }
  const { page } = await browser.newPage();
  await page.goto(`${server.url}train.html?seed=1&loss=crossentropy&steps=40&workers=1`);
  await page.waitForSelector('body[data-ready="true"]');
  // Main-thread tasks over 50 ms while the worker trains (the page's responsiveness).
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe(
      {
        type: 'longtask',
        buffered: false,
      },
    );
  });
  const t0 = Date.now();
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="train-status"]')?.textContent === 'done',
    null,
    {
      timeout: 300_000,
    },
  );
  console.log(
    `train page: 40 steps (cross-entropy, 32x32, batch 8, U-Net 8-16-32, wasm in one worker) in ${((Date.now() - t0) / 1000).toFixed(1)} s, ` +
      `${await page.textContent('#rate')} over the last steps, incl. backend start and validation every 10 steps`,
  );
  const long = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  console.log(
    `main thread meanwhile: ${long.length} tasks over 50 ms${long.length > 0 ? `, longest ${Math.max(...long).toFixed(0)} ms` : ''}`,
  );
  await page.close();
}

/** The train page's step times (ms, one per step) for `query`, and the workers it trained with. */
async function stepTimes(query: string): Promise<{ ms: number[]; workers: string; stepWorkers: string }> {
  const { page, problems } = await browser.newPage();
  const error = await trainPageRun(page, server.url, `${query}&steps=${steps}`, 900_000);
  if (error !== '' || problems.length > 0) throw new Error(`${query}: ${error} ${problems.join('; ')}`);
  const ms = ((await page.getAttribute('#rate', 'data-step-ms')) ?? '').split(',').map(Number);
  const workers = (await page.textContent('[data-testid="train-workers"]')) ?? '?';
  const stepWorkers = (await page.textContent('[data-testid="train-step-workers"]')) ?? '?';
  await page.close();
  return { ms, workers, stepWorkers };
}

/** ms per training step with 1 and 2 workers per model, alternating rounds, and their ratio. */
async function workerSteps(): Promise<void> {
  const isolated = await (async () => {
    const { page } = await browser.newPage();
    await page.goto(`${server.url}train.html`);
    const v = await page.evaluate(() => crossOriginIsolated);
    await page.close();
    return v;
  })();
  console.log(`train page cross-origin isolated: ${isolated}`);
  for (const [name, query] of [
    ['defaults: 32x32, batch 8, U-Net 8-16-32', '?seed=1&loss=crossentropy'],
    ['64x64, batch 8, U-Net 8-16-32', '?seed=1&loss=crossentropy&size=64&batch=8&filters=8'],
    ['larger: 64x64, batch 16, U-Net 16-32-64', '?seed=1&loss=crossentropy&size=64&batch=16&filters=16'],
  ] as const) {
    const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
    for (let r = 0; r < rounds; r++) {
      for (const workers of [1, 2] as const) {
        const run = await stepTimes(`${query}&workers=${workers}`);
        if (run.workers !== String(workers)) throw new Error(`${query}: trained with ${run.workers} workers`);
        const kept = run.ms.slice(5);
        times[workers].push(...kept);
        console.log(
          `  ${name}, round ${r + 1}, ${workers} worker(s) (${run.stepWorkers} step workers): median ${median(kept).toFixed(1)} ms per step`,
        );
      }
    }
    const [one, two] = [median(times[1]), median(times[2])];
    console.log(
      `train page, one loss, ${name}: ${one.toFixed(1)} ms per step with 1 worker, ${two.toFixed(1)} ms with 2 (${times[1].length} steps each): speed-up ${(one / two).toFixed(2)}x`,
    );
  }
}
