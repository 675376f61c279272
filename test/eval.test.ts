// Integration: `segloss synth` → `segloss train` (PNG dataset) → `segloss eval` and `segloss predict`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli } from './helpers/cli.js';
import { openDataset, loadItem } from '../src/data/dataset.js';
import { synthSplits } from '../src/synth/splits.js';

const run = runCli;

const base = mkdtempSync(join(tmpdir(), 'segloss-eval-'));
const data = join(base, 'data');
const runDir = join(base, 'run');
const SYNTH = {
  n: 8,
  valN: 4,
  testN: 6,
  size: 16,
  numClasses: 4,
  missingRate: 0.5,
  absentRate: 0.2,
  seed: 4,
};

test('synth: splits on disk equal synthSplits (masks exactly, images to 8 bits), annotated.json from the drops', async () => {
  const r = await run(
    'synth',
    '--out',
    data,
    '--n',
    '8',
    '--val-n',
    '4',
    '--test-n',
    '6',
    '--size',
    '16',
    '--missing-rate',
    '0.5',
    '--seed',
    '4',
    '--json',
  );
  assert.equal(r.code, 0, r.err);
  const splits = synthSplits(SYNTH);
  const summary = JSON.parse(r.out);
  assert.equal(summary.droppedAnnotations, splits.train.annotated.data.filter((v) => v === 0).length);
  assert.ok(summary.droppedAnnotations > 0);
  for (const name of ['train', 'val', 'test'] as const) {
    const ds = openDataset(data, { split: name });
    const s = splits[name];
    assert.ok(s);
    assert.equal(ds.items.length, s.images.shape[0]);
    assert.deepEqual(
      ds.classes.map((c) => c.name),
      ['background', 'ellipse', 'square', 'disk'],
    );
    for (const [i, item] of ds.items.entries()) {
      const it = await loadItem(ds, item);
      assert.deepEqual(
        [...it.mask],
        [...s.labels.data.subarray(i * 256, (i + 1) * 256)],
        `${name} ${i} mask`,
      );
      assert.deepEqual(
        [...it.annotated],
        [...s.annotated.data.subarray(i * 4, (i + 1) * 4)],
        `${name} ${i} annotated`,
      );
      const img = s.images.data.subarray(i * 256, (i + 1) * 256);
      for (let p = 0; p < 256; p++) assert.ok(Math.abs(it.image[p] - img[p]) <= 0.5 / 255 + 1e-6);
    }
  }
});

test('train on the PNG dataset, then eval --json: per-class scores agree with the confusion matrix', async () => {
  const t = await run(
    'train',
    '--data',
    data,
    '--loss',
    'crossentropy',
    '--steps',
    '6',
    '--batch',
    '4',
    '--lr',
    '0.01',
    '--depth',
    '2',
    '--filters',
    '4',
    '--checkpoint-every',
    '3',
    '--backend',
    'wasm',
    '--out',
    runDir,
    '--json',
  );
  assert.equal(t.code, 0, t.err);
  assert.equal(JSON.parse(t.out).validation.perClassIoU.length, 4); // val split found and used
  const r = await run('eval', '--model', runDir, '--data', data, '--json', '--backend', 'wasm');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.split, 'test');
  assert.equal(j.images, 6);
  assert.equal(j.step, 6);
  assert.deepEqual(
    j.perClass.map((c: { name: string }) => c.name),
    ['background', 'ellipse', 'square', 'disk'],
  );
  // Row sums of the matrix = pixels of each class in the test masks.
  const ds = openDataset(data, { split: 'test' });
  const counts = [0, 0, 0, 0];
  for (const item of ds.items) for (const v of (await loadItem(ds, item)).mask) counts[v]++;
  assert.deepEqual(
    j.confusionMatrix.map((row: number[]) => row.reduce((a, b) => a + b, 0)),
    counts,
  );
  const m: number[][] = j.confusionMatrix;
  const ious: number[] = [];
  m.forEach((row, k) => {
    const tp = row[k];
    const fn = row.reduce((a, b) => a + b, 0) - tp;
    const fp = m.reduce((a, r2) => a + r2[k], 0) - tp;
    const c = j.perClass[k];
    if (tp + fp + fn === 0) return assert.equal(c.iou, null);
    ious.push(tp / (tp + fp + fn));
    assert.ok(Math.abs(c.iou - tp / (tp + fp + fn)) < 1e-12, `class ${k} IoU`);
    assert.ok(Math.abs(c.dice - (2 * tp) / (2 * tp + fp + fn)) < 1e-12, `class ${k} Dice`);
    if (tp + fn > 0) assert.ok(Math.abs(c.recall - tp / (tp + fn)) < 1e-12, `class ${k} recall`);
  });
  assert.ok(Math.abs(j.meanIoU - ious.reduce((a, b) => a + b, 0) / ious.length) < 1e-12);
  const text = await run('eval', '--model', runDir, '--data', data, '--backend', 'wasm');
  assert.match(text.out, /^6 image\(s\), model at step 6\nmean IoU \d\.\d{4}/);
  assert.match(text.out, /confusion matrix \(rows = truth, columns = prediction\):/);
});

test('predict: an overlay PNG of the image size; background pixels keep the grey image', async () => {
  const out = join(base, 'pred.png');
  const image = join(data, 'test', 'images', '000000.png');
  const r = await run(
    'predict',
    '--model',
    runDir,
    '--image',
    image,
    '--out',
    out,
    '--json',
    '--backend',
    'wasm',
  );
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(
    j.classes.reduce((a: number, c: { pixels: number }) => a + c.pixels, 0),
    256,
  );
  const png = PNG.sync.read(readFileSync(out));
  const src = PNG.sync.read(readFileSync(image));
  assert.equal(png.width, 16);
  assert.equal(png.height, 16);
  // Pixels equal to the source grey are background or coincidence; every non-grey pixel must be a blend.
  let grey = 0;
  for (let p = 0; p < 256; p++) {
    const [r0, g0, b0] = png.data.subarray(4 * p, 4 * p + 3);
    if (r0 === g0 && g0 === b0 && r0 === src.data[4 * p]) grey++;
  }
  assert.ok(grey >= j.classes[0].pixels, `${grey} grey pixels, ${j.classes[0].pixels} predicted background`);
});

test('eval / predict errors: no run folder, wrong image size', async () => {
  const missing = await run('eval', '--model', join(base, 'nope'), '--data', data, '--backend', 'wasm');
  assert.equal(missing.code, 1);
  assert.match(
    missing.err,
    /^segloss: segloss eval: .*nope has no config\.json; expected a run folder written by segloss train$/,
  );
  const big = await run(
    'synth',
    '--out',
    join(base, 'big'),
    '--n',
    '1',
    '--val-n',
    '0',
    '--test-n',
    '0',
    '--size',
    '32',
  );
  assert.equal(big.code, 0, big.err);
  const wrong = await run(
    'predict',
    '--model',
    runDir,
    '--image',
    join(base, 'big', 'train', 'images', '000000.png'),
    '--out',
    join(base, 'x.png'),
    '--backend',
    'wasm',
  );
  // an image larger than the model input is tiled, and the overlay has the image's size
  assert.equal(wrong.code, 0, wrong.err);
  assert.match(wrong.out, /wrote .*x\.png \(32x32\)/);
});
