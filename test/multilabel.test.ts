// Integration: `segloss synth --multilabel` → `train` → `eval` → `predict`, for multi-label and binary data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from './helpers/cli.js';
import { openDataset, loadItem } from '../src/data/dataset.js';
import { decodeMask } from '../src/data/png-io.js';

const base = mkdtempSync(join(tmpdir(), 'segloss-multilabel-'));
const TRAIN = ['--steps', '3', '--batch', '2', '--depth', '2', '--filters', '4'];
const TRAIN_END = ['--checkpoint-every', '3', '--backend', 'wasm', '--json'];

async function synth(out: string, classes: string) {
  const r = await run(
    'synth',
    '--multilabel',
    '--classes',
    classes,
    '--missing-rate',
    '0.5',
    '--out',
    out,
    '--n',
    '4',
    '--val-n',
    '2',
    '--test-n',
    '2',
    '--size',
    '32',
    '--seed',
    '2',
    '--json',
  );
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

test('synth --multilabel: bitmask masks, classes.json mode, annotated lists with dropped present classes', async () => {
  const data = join(base, 'ml');
  const s = await synth(data, '3');
  assert.deepEqual(JSON.parse(readFileSync(join(data, 'classes.json'), 'utf8')), {
    names: ['ellipse', 'square', 'disk'],
    mode: 'multilabel',
  });
  const ds = openDataset(data, { split: 'train' });
  assert.equal(ds.mode, 'multilabel');
  const ann = JSON.parse(readFileSync(join(data, 'train', 'annotated.json'), 'utf8'));
  const unannotated = Object.values(ann as Record<string, number[]>).reduce((a, l) => a + 3 - l.length, 0);
  assert.equal(unannotated, s.droppedAnnotations);
  for (const it of ds.items) {
    const item = await loadItem(ds, it);
    const bits = decodeMask(it.maskPath).data.reduce((a, v) => a | v, 0);
    assert.ok(bits < 8);
    // a class without a label has no pixel in the mask
    for (let k = 0; k < 3; k++) if (item.annotated[k] === 0) assert.equal(bits & (1 << k), 0);
  }
});

test('train refuses --loss crossentropy on multi-label data, naming --loss, and writes no run folder', async () => {
  const out = join(base, 'refused');
  const r = await run('train', '--data', join(base, 'ml'), '--loss', 'crossentropy', ...TRAIN, '--out', out);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /segloss: segloss train: --loss crossentropy is softmax-only but the data is multilabel; expected/,
  );
  assert.equal(existsSync(out), false);
});

test('multi-label: train (default loss multilabel-partial) → eval --threshold → predict bitmask', async () => {
  const data = join(base, 'ml');
  const runDir = join(base, 'ml-run');
  const t = await run('train', '--data', data, ...TRAIN, '--out', runDir, ...TRAIN_END);
  assert.equal(t.code, 0, t.err);
  const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
  assert.equal(config.loss.name, 'multilabel-partial');
  assert.equal(config.model.output, 'sigmoid');
  assert.equal(config.model.mode, 'multilabel');
  assert.equal(JSON.parse(t.out).validation.perClassIoU.length, 3);
  const bad = await run('eval', '--model', runDir, '--data', data, '--threshold', '1', '--backend', 'wasm');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /segloss eval: --threshold is '1'; expected a probability in \(0, 1\)/);
  const e = await run(
    'eval',
    '--model',
    runDir,
    '--data',
    data,
    '--threshold',
    '0.5',
    '--json',
    '--backend',
    'wasm',
  );
  assert.equal(e.code, 0, e.err);
  const j = JSON.parse(e.out);
  assert.equal(j.images, 2);
  assert.equal(j.perClass.length, 3);
  for (const c of j.perClass) {
    const [[tn, fp], [fn, tp]] = j.confusionMatrix.slice(
      2 * j.perClass.indexOf(c),
      2 * j.perClass.indexOf(c) + 2,
    );
    assert.equal(tn + fp + fn + tp, 2 * 32 * 32); // every pixel of both (fully annotated) test images
    assert.equal(c.iou, tp + fp + fn > 0 ? tp / (tp + fp + fn) : null);
  }
  const mask = join(base, 'ml-pred.png');
  const probs = join(base, 'ml-probs.npy');
  const image = join(data, 'test', 'images', '000000.png');
  const p = await run(
    'predict',
    '--model',
    runDir,
    '--image',
    image,
    '--out',
    join(base, 'ml-overlay.png'),
    '--mask-out',
    mask,
    '--probs-out',
    probs,
    '--backend',
    'wasm',
    '--json',
  );
  assert.equal(p.code, 0, p.err);
  const m = decodeMask(mask).data;
  assert.ok(m.every((v) => v < 8));
  const pixels = JSON.parse(p.out).classes.map((c: { pixels: number }) => c.pixels);
  assert.deepEqual(
    pixels,
    [0, 1, 2].map((k) => m.filter((v) => (v >> k) & 1).length),
  );
  assert.ok(existsSync(probs));
});

test('binary (--classes 1): train (binary-crossentropy) → eval → predict writes a 0/255 mask', async () => {
  const data = join(base, 'bin');
  await synth(data, '1');
  assert.equal(openDataset(data, { split: 'train' }).mode, 'binary');
  const runDir = join(base, 'bin-run');
  const t = await run('train', '--data', data, ...TRAIN, '--out', runDir, ...TRAIN_END);
  assert.equal(t.code, 0, t.err);
  const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
  assert.equal(config.loss.name, 'binary-crossentropy');
  assert.equal(config.model.numClasses, 1);
  const e = await run('eval', '--model', runDir, '--data', data, '--json', '--backend', 'wasm');
  assert.equal(e.code, 0, e.err);
  assert.equal(JSON.parse(e.out).perClass.length, 1);
  const mask = join(base, 'bin-pred.png');
  const image = join(data, 'test', 'images', '000001.png');
  const out = join(base, 'bin-overlay.png');
  const p = await run(
    'predict',
    '--model',
    runDir,
    '--image',
    image,
    '--out',
    out,
    '--mask-out',
    mask,
    '--backend',
    'wasm',
  );
  assert.equal(p.code, 0, p.err);
  assert.ok(decodeMask(mask).data.every((v) => v === 0 || v === 255));
});
