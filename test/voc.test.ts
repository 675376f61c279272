// The new-user path of issue 10 on a VOC-layout folder the test writes (JPEGs of several sizes):
// inspect, train with a crop, eval on whole val images, predict at the JPEG's size, export loaded by
// stock tfjs in a separate process; a bad mask named by inspect and by train before step 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli } from './helpers/cli.js';
import { readImageHeader } from '../src/data/image-io.js';
import { readNpy } from '../src/data/npy.js';
import { encodePalettePng } from '../src/data/png-encode.js';

const root = mkdtempSync(join(tmpdir(), 'segloss-voc-'));
const voc = join(root, 'voc');
const run = join(root, 'run');

test('VOC path: synth --layout voc, inspect, train --crop, eval, predict, export', async () => {
  let r = await runCli(
    'synth',
    '--layout',
    'voc',
    '--out',
    voc,
    '--n',
    '16',
    '--val-n',
    '4',
    '--test-n',
    '0',
    '--size',
    '48',
    '--json',
  );
  assert.equal(r.code, 0, r.err);
  const sizes = new Set(
    readdirSync(join(voc, 'JPEGImages')).map((f) => {
      const h = readImageHeader(join(voc, 'JPEGImages', f));
      return `${h.width}x${h.height}`;
    }),
  );
  assert.ok(sizes.size > 5, `JPEGs of several sizes: ${[...sizes].join(' ')}`);
  r = await runCli('inspect', '--data', voc, '--json');
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.deepEqual(report.layouts, ['voc']);
  assert.deepEqual(
    report.splits.map((s: { split: string; images: number }) => [s.split, s.images]),
    [
      ['train', 16],
      ['val', 4],
    ],
  );
  r = await runCli(
    'train',
    '--data',
    voc,
    '--loss',
    'crossentropy',
    '--crop',
    '32',
    '--scale',
    '0.8,1.2',
    '--steps',
    '4',
    '--batch',
    '4',
    '--depth',
    '2',
    '--filters',
    '4',
    '--bn-batches',
    '1',
    '--checkpoint-every',
    '2',
    '--backend',
    'wasm',
    '--out',
    run,
    '--json',
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).validation.perClassIoU.length, 4);
  r = await runCli('eval', '--model', run, '--data', voc, '--split', 'val', '--json');
  assert.equal(r.code, 0, r.err);
  const ev = JSON.parse(r.out);
  assert.equal(ev.images, 4);
  const pixels = ev.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0);
  const valPixels = readdirSync(join(voc, 'JPEGImages'))
    .filter((f) => f.startsWith('val_'))
    .reduce((s, f) => {
      const h = readImageHeader(join(voc, 'JPEGImages', f));
      return s + h.width * h.height;
    }, 0);
  assert.equal(pixels, valPixels, 'every pixel of the whole val images is scored');
  const image = join(voc, 'JPEGImages', 'val_000000.jpg');
  const { width, height } = readImageHeader(image);
  r = await runCli(
    'predict',
    '--model',
    run,
    '--image',
    image,
    '--out',
    join(root, 'o.png'),
    '--mask-out',
    join(root, 'm.png'),
    '--probs-out',
    join(root, 'p.npy'),
    '--blend',
    'gaussian',
  );
  assert.equal(r.code, 0, r.err);
  for (const f of ['o.png', 'm.png']) {
    const png = PNG.sync.read(
      Buffer.from(readImageHeader(join(root, f)) && (await import('node:fs')).readFileSync(join(root, f))),
    );
    assert.deepEqual([png.width, png.height], [width, height], f);
  }
  const probs = readNpy(join(root, 'p.npy'));
  assert.deepEqual(probs.shape, [height, width, 4]);
  const sum = (probs.data as Float32Array).slice(0, 4).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `probabilities sum to ${sum}`);
  // export, then eval the exported folder: the same scores as the run
  const out = join(root, 'export');
  r = await runCli('export', '--model', run, '--out', out);
  assert.equal(r.code, 0, r.err);
  r = await runCli('eval', '--model', out, '--data', voc, '--split', 'val', '--json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out).confusionMatrix, ev.confusionMatrix);
  // stock tfjs, another process, no segloss code: tf.loadLayersModel through tf.io.fromMemory
  const script = `
    import * as tf from '@tensorflow/tfjs';
    import { readFileSync } from 'node:fs';
    const j = JSON.parse(readFileSync(${JSON.stringify(join(out, 'model.json'))}, 'utf8'));
    const w = readFileSync(${JSON.stringify(out)} + '/' + j.weightsManifest[0].paths[0]);
    const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: j.modelTopology, weightSpecs: j.weightsManifest[0].weights, weightData: new Uint8Array(w).buffer }));
    const y = m.predict(tf.ones([1, 32, 32, 3]));
    console.log(JSON.stringify({ meta: j.userDefinedMetadata, shape: y.shape, layers: m.layers.map((l) => l.getClassName()).filter((c) => c === 'BatchNormalization').length }));
  `;
  const child = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1) as string,
  );
  assert.deepEqual(child.shape, [1, 32, 32, 4]);
  assert.deepEqual(child.meta.classNames, ['background', 'ellipse', 'square', 'disk']);
  assert.deepEqual(child.meta.inputShape, [32, 32, 3]);
  assert.ok(child.layers > 0, 'batch-norm layers load as the stock BatchNormalization');
  // an exported folder without its weights
  const broken = join(root, 'broken');
  r = await runCli('export', '--model', run, '--out', broken);
  (await import('node:fs')).unlinkSync(join(broken, 'group1-shard1of1.bin'));
  r = await runCli('eval', '--model', broken, '--data', voc, '--split', 'val');
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /segloss eval: .*broken: weight shard group1-shard1of1\.bin named in model\.json is missing/,
  );
});

test('a bad mask is named by inspect and by train before step 1 (no run folder written)', async () => {
  const bad = join(voc, 'SegmentationClass', 'train_000003.png');
  const header = readImageHeader(bad);
  writeFileSync(
    bad,
    encodePalettePng(
      header.width,
      header.height,
      new Uint8Array(header.width * header.height).fill(9),
      Array.from({ length: 10 }, (_, i) => [i, i, i]),
    ),
  );
  let r = await runCli('inspect', '--data', voc);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /bad file: .*train_000003\.png: mask has value 9 at pixel 0; expected a class in \[0, 4\) or 255/,
  );
  const out = join(root, 'bad-run');
  r = await runCli(
    'train',
    '--data',
    voc,
    '--loss',
    'crossentropy',
    '--crop',
    '32',
    '--steps',
    '2',
    '--out',
    out,
  );
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /segloss: train: 1 bad file\(s\), nothing trained: .*train_000003\.png: mask has value 9/,
  );
  assert.equal(existsSync(out), false, 'no run folder');
  r = await runCli('train', '--data', voc, '--loss', 'crossentropy', '--steps', '2', '--out', out);
  assert.match(r.err, /the training images have \d+ sizes .*; pass --crop S/);
});
