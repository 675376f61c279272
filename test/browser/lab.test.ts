/**
 * The lab in a real browser (Debian's chromium through playwright-core, see test/helpers/browser.ts):
 * pages load without console errors, the post page's numbers equal `segloss demo --json`'s, dropping an
 * annotation by clicking moves the losses as the post says, training in the worker lowers the loss
 * without leaking tensors and downloads a loadable model, and segloss' conv-gradient kernels give
 * Node's numbers. Needs `npm run build` (npm test runs it first).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/setup.js';
import { convGradCheck, type ConvGradCase } from '../../src/lab/conv-check.js';
import { postLabLosses, postLabStart, toggleObject } from '../../src/lab/post-lab.js';
import { LabTrainer } from '../../src/lab/train-session.js';
import { labDefaultWorkers, labTrainSettings } from '../../src/lab/train-settings.js';
import { spawnStepThread } from '../../src/train/parallel/spawn-thread.js';
import { labAppDir } from '../../src/web-server/app-dir.js';
import { startLabServer, type LabServer } from '../../src/web-server/server.js';
import { hasChromium, launchBrowser, trainPageRun, type TestBrowser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const skip =
  !hasChromium() && process.env.CI === undefined ? 'no /usr/bin/chromium (apt-get install chromium)' : false;
const tmp = mkdtempSync(join(tmpdir(), 'segloss-lab-'));
let server: LabServer;
let browser: TestBrowser;

before(async () => {
  if (skip) return;
  assert.ok(existsSync(join(labAppDir(), 'index.html')), 'the lab is not built: run npm run build');
  await setupBackend('wasm');
  server = await startLabServer({ root: labAppDir(), port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const value = async (page: import('playwright-core').Page, id: string) =>
  Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));

test(
  'the post page equals segloss demo --json for two settings, with no console error',
  { skip },
  async () => {
    // The defaults, and the example (where Math.sin of chromium and Node differ in the last bit).
    for (const query of ['', '?seed=7&n=6&size=48&missing=2&quality=3']) {
      const { page, problems } = await browser.newPage();
      await page.goto(`${server.url}${query}`);
      await page.waitForSelector('body[data-ready="true"]');
      const q = new URLSearchParams(query);
      const flags = [...q].flatMap(([k, v]) => [`--${k}`, v]);
      const cli = await runCli('demo', ...flags, '--out', join(tmp, 'demo'), '--json');
      assert.equal(cli.code, 0, cli.err);
      const demo = JSON.parse(cli.out) as Record<string, number>;
      assert.equal(await value(page, 'standard-full'), demo.standardFullReference, query);
      assert.equal(await value(page, 'standard-full-tensor'), demo.standardFullTensor, query);
      assert.equal(await value(page, 'standard-missing'), demo.standardMissing, query);
      assert.equal(await value(page, 'missing-aware-missing'), demo.missingAwareMissing, query);
      assert.equal(
        await page.textContent('[data-testid="standard-missing"]'),
        demo.standardMissing.toFixed(6),
      );
      assert.deepEqual(problems, []);
      await page.close();
    }
  },
);

test(
  'clicking an object drops its annotation: cross-entropy rises, the missing-aware loss pays nothing there',
  { skip },
  async () => {
    const settings = { seed: 3, n: 4, size: 32, missing: 0, quality: 3 };
    const { page, problems } = await browser.newPage();
    await page.goto(`${server.url}?seed=3&n=4&size=32&missing=0&quality=3`);
    await page.waitForSelector('body[data-ready="true"]');
    const before0 = await value(page, 'standard-missing');
    const maBefore = await value(page, 'missing-aware-missing');
    assert.equal(before0, await value(page, 'standard-full')); // nothing dropped yet
    // Image 1's square is centred at (3/4 size, 3/4 size): click the middle of that pixel.
    // Playwright's position is relative to the padding box, inside the canvas' 1px border.
    const position = { x: (24.5 / settings.size) * 96, y: (24.5 / settings.size) * 96 };
    await page.locator('[data-testid="truth-1"]').click({ position });
    assert.equal(await page.textContent('[data-testid="dropped"]'), 'image 1 square');
    const expected = postLabLosses(toggleObject(postLabStart(settings), 1, 2));
    assert.equal(await value(page, 'standard-missing'), expected.standardMissing);
    assert.equal(await value(page, 'missing-aware-missing'), expected.missingAwareMissing);
    assert.ok(expected.standardMissing > before0);
    assert.ok(expected.missingAwareMissing < maBefore);
    // At the clicked pixel (predicted square, now labelled background): -log p_bg against exactly 0.
    const pixel = page.locator('[data-testid="pixel"]');
    assert.ok(Number(await pixel.getAttribute('data-crossentropy')) > 1);
    assert.equal(Number(await pixel.getAttribute('data-missing-aware-crossentropy')), 0);
    // A second click restores it.
    await page.locator('[data-testid="truth-1"]').click({ position });
    assert.equal(await value(page, 'standard-missing'), before0);
    assert.deepEqual(problems, []);
    await page.close();
  },
);

test(
  '20 steps in the worker lower the loss, leak no tensor, match Node and download a loadable model',
  { skip },
  async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${server.url}train.html?seed=1&loss=crossentropy&steps=20`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="train-status"]')?.textContent === 'done',
      null,
      {
        timeout: 120_000,
      },
    );
    assert.equal(await page.textContent('[data-testid="train-step"]'), '20');
    const first = Number(await page.getAttribute('[data-testid="train-loss"]', 'data-first'));
    const last = await value(page, 'train-loss');
    assert.ok(last < 0.8 * first, `loss ${first} -> ${last}`);
    const tensors = page.locator('[data-testid="train-tensors"]');
    assert.equal(await tensors.getAttribute('data-min'), await tensors.getAttribute('data-max'));
    // The page's default on this cross-origin-isolated page: labDefaultWorkers, which is 1 for the
    // defaults' small steps (32x32, batch 8, filters 8) on any number of cores.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const workers = labDefaultWorkers(labTrainSettings(), { cores, isolated: true });
    assert.equal(workers, 1);
    assert.equal(await page.textContent('[data-testid="train-workers"]'), String(workers));
    // The same run in Node (same library code, same seed, the same wasm kernels, as many worker
    // threads as the page had Web Workers): the same number.
    const spawn = workers > 1 ? { spawn: spawnStepThread } : {};
    const node = new LabTrainer({ losses: ['crossentropy'], seed: 1, workers }, spawn);
    let nodeLoss = 0;
    for (let i = 0; i < 20; i++) nodeLoss = (await node.step())[0];
    await node.dispose();
    assert.equal(last, nodeLoss);
    // Download: model.json and model.weights.bin, loadable by tfjs.
    const files = new Map<string, string>();
    const done = new Promise<void>((resolve) => {
      page.on('download', async (d) => {
        const path = join(tmp, d.suggestedFilename());
        await d.saveAs(path);
        files.set(d.suggestedFilename(), path);
        if (files.size === 2) resolve();
      });
    });
    await page.click('[data-testid="train-save-0"]');
    await done;
    const json = JSON.parse(readFileSync(files.get('model.json') as string, 'utf8'));
    const weights = readFileSync(files.get('model.weights.bin') as string);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(weights).buffer,
      }),
    );
    const out = tf.tidy(() => model.predict(tf.zeros([1, 32, 32, 1])) as tf.Tensor);
    assert.deepEqual(out.shape, [1, 32, 32, 4]);
    out.dispose();
    model.dispose();
    assert.deepEqual(problems, []);
    await page.close();
  },
);

test("segloss' conv-gradient kernels in the browser equal Node's on a fixed case", { skip }, async () => {
  const { page, problems } = await browser.newPage();
  await page.goto(`${server.url}kernels.html`);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="kernels-status"]')?.textContent !== 'running',
  );
  assert.equal(
    await page.textContent('[data-testid="kernels-status"]'),
    'done',
    (await page.textContent('#error')) ?? '',
  );
  const browserCases = JSON.parse(
    (await page.textContent('[data-testid="conv-grads"]')) ?? '[]',
  ) as ConvGradCase[];
  const nodeCases = convGradCheck();
  assert.equal(browserCases.length, nodeCases.length);
  nodeCases.forEach((c, k) => {
    for (const key of ['dx', 'dw'] as const) {
      const b = browserCases[k][key];
      assert.equal(b.length, c[key].length);
      let worst = 0;
      for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(b[i] - c[key][i]));
      assert.ok(worst <= 1e-6, `${c.name} ${key}: max |browser - node| = ${worst}`);
    }
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test(
  'pause stops the worker between steps, start continues, reset starts over (two losses side by side)',
  { skip },
  async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${server.url}train.html?seed=2`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.isChecked('[data-testid="pick-crossentropy"]'), true);
    assert.equal(await page.isChecked('[data-testid="pick-missing-aware-crossentropy"]'), true);
    const step = async () => Number(await page.textContent('[data-testid="train-step"]'));
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="train-step"]')?.textContent) >= 3,
    );
    await page.click('[data-testid="train-pause"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="train-status"]')?.textContent === 'paused',
    );
    const paused = await step();
    await page.waitForTimeout(500);
    assert.equal(await step(), paused);
    assert.equal((await page.textContent('[data-testid="train-loss"]'))?.split(' / ').length, 2);
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(
      (s) => Number(document.querySelector('[data-testid="train-step"]')?.textContent) > s,
      paused,
    );
    await page.click('[data-testid="train-reset"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="train-status"]')?.textContent === 'idle',
    );
    await page.waitForTimeout(300);
    assert.equal(await step(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  },
);

test(
  'WebGL, when the browser offers it and it is picked, trains the same model as wasm',
  { skip },
  async (t) => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${server.url}train.html?seed=1&loss=crossentropy&steps=2`);
    await page.waitForSelector('body[data-ready="true"]');
    const offered = await page.$$eval('#backend option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.equal(offered[0], 'wasm'); // the default
    if (!offered.includes('webgl')) {
      t.skip('this browser offers no WebGL2 in workers');
      await page.close();
      return;
    }
    await page.selectOption('#backend', 'webgl');
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="train-status"]')?.textContent === 'done',
      null,
      {
        timeout: 120_000,
      },
    );
    assert.equal(await page.textContent('#backend-used'), 'webgl');
    // WebGL trains with 1 worker per model (the page says so when it defaulted to more).
    assert.equal(await page.textContent('[data-testid="train-workers"]'), '1');
    const node = new LabTrainer({ losses: ['crossentropy'], seed: 1 });
    await node.step();
    const nodeLoss = (await node.step())[0];
    await node.dispose();
    const last = await value(page, 'train-loss');
    assert.ok(Math.abs(last - nodeLoss) < 1e-3 * nodeLoss, `webgl ${last}, node wasm ${nodeLoss}`);
    assert.deepEqual(problems, []);
    await page.close();
  },
);

/** What a finished run of the train page shows: per-step losses, workers, tensor counts, notes. */
interface PageRun {
  readonly losses: number[][];
  readonly workers: number;
  readonly stepWorkers: number;
  readonly isolated: boolean;
  readonly tensorsFlat: boolean;
  readonly note: string;
  readonly problems: string[];
}

/** Opens `train.html` + `query`, trains until `steps=` is reached and reads the run off the page. */
async function trainOnPage(query: string, route?: (page: import('playwright-core').Page) => Promise<void>) {
  const { page, problems } = await browser.newPage();
  await route?.(page);
  assert.equal(await trainPageRun(page, server.url, query, 300_000), '');
  const tensors = page.locator('[data-testid="train-tensors"]');
  const run: PageRun = {
    losses: JSON.parse((await page.getAttribute('[data-testid="train-loss"]', 'data-history')) ?? '[]'),
    workers: Number(await page.textContent('[data-testid="train-workers"]')),
    stepWorkers: Number(await page.textContent('[data-testid="train-step-workers"]')),
    isolated: await page.evaluate(() => crossOriginIsolated),
    tensorsFlat: (await tensors.getAttribute('data-min')) === (await tensors.getAttribute('data-max')),
    note: (await page.textContent('[data-testid="workers-note"]')) ?? '',
    problems,
  };
  await page.close();
  return run;
}

/**
 * Largest relative difference allowed between the per-step losses of 2 step workers and of 1, batch
 * norm off: the runs differ only in the order of float additions (shard sums in float64 over float32
 * shard losses and gradients, then Adam), about 1e-7 relative per step; 1e-4 leaves room for 10 steps
 * of Adam on it and still fails at once if a shard were lost or counted twice (1 image of 8 moves the
 * loss by percents).
 */
const WORKERS_TOLERANCE = 1e-4;

test(
  "the train page is cross-origin isolated; 2 step workers give 1 worker's losses (batch norm off)",
  { skip },
  async () => {
    const query = '?seed=1&loss=crossentropy,missing-aware-crossentropy&steps=10&bn=0';
    const one = await trainOnPage(`${query}&workers=1`);
    const two = await trainOnPage(`${query}&workers=2`);
    for (const r of [one, two]) {
      assert.equal(r.isolated, true);
      assert.deepEqual(r.problems, []);
      assert.ok(r.tensorsFlat, 'numTensors changed between steps');
      assert.equal(r.note, '');
      assert.equal(r.losses.length, 10);
    }
    assert.equal(one.workers, 1);
    assert.equal(one.stepWorkers, 0); // the step ran in the train worker itself
    assert.equal(two.workers, 2);
    assert.equal(two.stepWorkers, 4); // 2 per model, 2 models
    let worst = 0;
    two.losses.forEach((row, i) =>
      row.forEach((l2, k) => {
        const l1 = one.losses[i][k];
        worst = Math.max(worst, Math.abs(l2 - l1) / Math.abs(l1));
      }),
    );
    assert.ok(worst <= WORKERS_TOLERANCE, `max relative |loss2 - loss1| = ${worst}`);
    assert.ok(worst > 0, 'the two runs took the same code path');
    // The same 2-worker run in Node, through worker threads instead of Web Workers: the same numbers.
    const node = new LabTrainer(
      { losses: ['crossentropy', 'missing-aware-crossentropy'], seed: 1, batchNorm: false, workers: 2 },
      { spawn: spawnStepThread },
    );
    const nodeLosses: number[][] = [];
    for (let i = 0; i < 10; i++) nodeLosses.push(await node.step());
    await node.dispose();
    assert.deepEqual(two.losses, nodeLosses);
  },
);

test('without cross-origin isolation workers=2 trains with 1 and says why', { skip }, async () => {
  // The page answer without its COOP/COEP headers: no SharedArrayBuffer for the page or its workers.
  const strip = async (page: import('playwright-core').Page) => {
    await page.route('**/train.html*', async (route) => {
      const answer = await route.fetch();
      const headers = { ...answer.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response: answer, headers });
    });
  };
  const r = await trainOnPage('?seed=1&loss=crossentropy&steps=3&workers=2', strip);
  assert.equal(r.isolated, false);
  assert.equal(r.workers, 1);
  assert.equal(r.stepWorkers, 0);
  assert.match(r.note, /2 workers asked for, but this page is not cross-origin isolated .*training with 1/);
  assert.equal(r.losses.length, 3);
  assert.deepEqual(r.problems, []);
});
