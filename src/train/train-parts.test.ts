import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '../backend/setup.js';
import { Adam } from './adam.js';
import { BatchCursor } from '../data/cursor.js';
import { makeBatch } from '../data/batch.js';
import { arraySource } from '../data/item-source.js';
import { readCheckpoint, writeCheckpoint, latestCheckpointDir, type Checkpoint } from './checkpoint.js';
import { evaluateModel } from './evaluate.js';
import { overlay } from './overlay.js';
import { formatDuration, progressLine } from './progress.js';

test('Adam matches tf.train.adam step for step (same formula, 20 steps)', async () => {
  await setupBackend('cpu');
  const target = tf.tensor1d([1, -2, 3]);
  const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.mul(w, w), target))) as tf.Scalar;
  const a = tf.variable(tf.tensor1d([0.5, 0.2, -0.4]));
  const b = tf.variable(tf.tensor1d([0.5, 0.2, -0.4]));
  const ours = new Adam({ learningRate: 0.05 });
  const theirs = tf.train.adam(0.05);
  for (let i = 0; i < 20; i++) {
    const { grads, value } = tf.variableGrads(() => loss(a), [a]);
    ours.apply(new Map([['w', { variable: a, grad: grads[a.name] }]]));
    tf.dispose([value, ...Object.values(grads)]);
    theirs.minimize(() => loss(b), false, [b]);
  }
  const got = a.dataSync();
  const want = b.dataSync();
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `w[${i}] ${got[i]} vs ${want[i]}`);
  assert.equal(ours.iteration, 20);
  tf.dispose([a, b, target]);
  ours.dispose();
  theirs.dispose();
});

test('Adam: the first step moves each weight by lr * sign(g) (bias-corrected m/sqrt(v) = g/|g|)', async () => {
  await setupBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, 1]));
  const adam = new Adam({ learningRate: 0.1, epsilon: 0 });
  adam.apply(new Map([['w', { variable: w, grad: tf.tensor1d([3, -0.5]) }]]));
  const v = w.dataSync();
  assert.ok(Math.abs(v[0] - 0.9) < 1e-7 && Math.abs(v[1] - 1.1) < 1e-7, `${v[0]}, ${v[1]}`);
  w.dispose();
  adam.dispose();
});

test('Adam: state then restore continues bit for bit', async () => {
  await setupBackend('cpu');
  const run = (split: boolean) => {
    const w = tf.variable(tf.tensor1d([0.3, -0.7, 2]));
    let adam = new Adam({ learningRate: 0.01 });
    for (let i = 0; i < 10; i++) {
      if (split && i === 4) {
        const saved = adam.state();
        adam.dispose();
        adam = new Adam({ learningRate: 0.01 });
        adam.restore(saved);
      }
      const g = tf.tidy(() => tf.sin(tf.mul(w, i + 1)));
      adam.apply(new Map([['w', { variable: w, grad: g }]]));
      g.dispose();
    }
    const out = Array.from(w.dataSync());
    w.dispose();
    adam.dispose();
    return out;
  };
  assert.deepEqual(run(true), run(false));
});

test('BatchCursor: full batches across epochs, each epoch a permutation; state round-trips', () => {
  const c = new BatchCursor(5, 3, 7);
  const seq = [c.next(), c.next(), c.next(), c.next(), c.next()].flat(); // 15 = 3 epochs
  for (let e = 0; e < 3; e++) {
    assert.deepEqual([...seq.slice(5 * e, 5 * e + 5)].sort(), [0, 1, 2, 3, 4], `epoch ${e}`);
  }
  assert.equal(c.epoch, 2);
  const d = new BatchCursor(5, 3, 7);
  d.next();
  d.next(); // mid-epoch 1 (6 of 5 items taken)
  const resumed = BatchCursor.fromState(JSON.parse(JSON.stringify(d.state())));
  assert.deepEqual([resumed.next(), resumed.next(), resumed.next()].flat(), seq.slice(6, 15));
});

test('makeBatch: one-hot targets, ignore mask at 255, annotated rows', async () => {
  const split = {
    images: { data: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), shape: [2, 2, 2, 1] },
    labels: { data: Uint8Array.of(0, 1, 2, 255, 1, 1, 0, 0), shape: [2, 2, 2] as [number, number, number] },
    annotated: { data: Float32Array.of(1, 1, 1, 1, 1, 0), shape: [2, 3] },
  };
  const source = arraySource(split, ['bg', 'a', 'b']);
  const b = makeBatch(await Promise.all([1, 0].map((i) => source.item(i))), 3, 1);
  assert.deepEqual([...b.x.data], [0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4].map(Math.fround));
  assert.deepEqual([...b.y.data], [0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([...b.annotated.data], [1, 1, 0, 1, 1, 1]);
  assert.deepEqual([...(b.ignore?.data ?? [])], [0, 0, 0, 0, 0, 0, 0, 1]);
});

function fakeCheckpoint(step: number): Checkpoint {
  return {
    meta: {
      step,
      configHash: 'abc',
      cursor: { n: 4, batchSize: 2, epoch: 0, offset: 2, rng: { algorithm: 'mulberry32', s: 5 } },
      adamIteration: step,
      history: { steps: [1], loss: [0.5], validation: [] },
    },
    weights: [{ name: 'a/kernel', shape: [2], data: Float32Array.of(1.5, -2) }],
    m: [{ name: 'a/kernel', shape: [2], data: Float32Array.of(0.1, 0.2) }],
    v: [{ name: 'a/kernel', shape: [2], data: Float32Array.of(0.3, 0.4) }],
  };
}

test('checkpoints: round trip, latest.json last, only the newest two kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-ckpt-'));
  for (const s of [5, 10, 15]) writeCheckpoint(dir, fakeCheckpoint(s));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')), {
    step: 15,
    checkpoint: 'checkpoints/step-000015',
  });
  const back = readCheckpoint(latestCheckpointDir(dir) as string);
  assert.equal(back.meta.step, 15);
  assert.deepEqual([...back.weights[0].data], [1.5, -2]);
  assert.deepEqual([...back.v[0].data], [0.30000001192092896, 0.4000000059604645]);
  assert.throws(() => readCheckpoint(join(dir, 'checkpoints', 'step-000005')), /has no meta\.json/);
  // A killed writer's temporary folder and a checkpoint past latest.json are cleared by the next write.
  mkdirSync(join(dir, 'checkpoints', '.step-000020.tmp-999'));
  mkdirSync(join(dir, 'checkpoints', 'step-000030'));
  writeCheckpoint(dir, fakeCheckpoint(20));
  assert.deepEqual(readdirSync(join(dir, 'checkpoints')).sort(), ['step-000015', 'step-000020']);
  rmSync(dir, { recursive: true });
});

test('checkpoints: a cut-short or edited file is refused with a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-ckpt-'));
  const ck = writeCheckpoint(dir, fakeCheckpoint(3));
  const bin = join(ck, 'weights.bin');
  const bytes = readFileSync(bin);
  writeFileSync(bin, bytes.subarray(0, 4));
  assert.throws(() => readCheckpoint(ck), /weights\.bin has 4 bytes; expected 8 \(cut short or corrupt\)/);
  const edited = Buffer.from(bytes);
  edited[0] ^= 1;
  writeFileSync(bin, edited);
  assert.throws(() => readCheckpoint(ck), /does not match its SHA-256/);
  writeFileSync(join(ck, 'meta.json'), '{"format": "segl');
  assert.throws(() => readCheckpoint(ck), /meta\.json is not valid JSON/);
  rmSync(dir, { recursive: true });
});

test('evaluateModel: hand-derived IoU, precision, recall, confusion matrix, absent-class FP rate', async () => {
  await setupBackend('cpu');
  // Two 1x4 images, 3 classes. truth: [0,1,1,0] and [0,0,2,2]; prediction: [0,1,0,0] and [0,1,2,2].
  const split = {
    images: { data: new Float32Array(8), shape: [2, 1, 4, 1] },
    labels: { data: Uint8Array.of(0, 1, 1, 0, 0, 0, 2, 2), shape: [2, 1, 4] as [number, number, number] },
    annotated: { data: new Float32Array(6).fill(1), shape: [2, 3] },
  };
  const pred = [0, 1, 0, 0, 0, 1, 2, 2];
  const model = {
    inputs: [{ shape: [null, 1, 4, 1] }],
    predict: (x: tf.Tensor) =>
      tf.oneHot(tf.tensor1d(pred.slice(0, x.shape[0] * 4), 'int32'), 3).reshape([x.shape[0], 1, 4, 3]),
  } as unknown as tf.LayersModel;
  const r = await evaluateModel(model, arraySource(split, ['bg', 'a', 'b']));
  // class 0: tp 3, fp 1, fn 1 → IoU 3/5; class 1: tp 1, fp 1, fn 1 → 1/3; class 2: tp 2 → 1.
  assert.deepEqual(r.confusionMatrix, [
    [3, 1, 0],
    [1, 1, 0],
    [0, 0, 2],
  ]);
  const iou = r.perClass.map((c) => c.iou);
  assert.deepEqual(iou, [3 / 5, 1 / 3, 1]);
  assert.equal(r.meanIoU, (3 / 5 + 1 / 3 + 1) / 3);
  assert.deepEqual(
    r.perClass.map((c) => [c.precision, c.recall]),
    [
      [3 / 4, 3 / 4],
      [1 / 2, 1 / 2],
      [1, 1],
    ],
  );
  // class 1 is absent from image 1 and predicted there on 1 of 4 pixels; class 2 absent from image 0, never predicted.
  assert.deepEqual(
    r.perClass.map((c) => [c.absentImages, c.absentFalsePositiveImageRate, c.absentFalsePositivePixelRate]),
    [
      [0, null, null],
      [1, 1, 0.25],
      [1, 0, 0],
    ],
  );
  assert.equal(r.pixelAccuracy, 6 / 8);
});

test('overlay: background keeps the image, other classes blend with their colour', () => {
  const out = overlay(
    Float32Array.of(1, 0),
    1,
    Uint8Array.of(0, 1),
    [
      [0, 0, 0],
      [255, 0, 0],
    ],
    0.5,
  );
  assert.deepEqual([...out], [255, 255, 255, 128, 0, 0]);
  const rgb = overlay(
    Float32Array.of(0.2, 0.4, 0.6),
    3,
    Uint8Array.of(1),
    [
      [0, 0, 0],
      [0, 255, 0],
    ],
    0.25,
  );
  assert.deepEqual([...rgb], [Math.round(0.75 * 51), Math.round(0.75 * 102 + 63.75), Math.round(0.75 * 153)]);
});

test('progress: plain line with images/s and ETA', () => {
  const line = progressLine({
    step: 20,
    steps: 100,
    firstStep: 11,
    loss: 0.123456,
    learningRate: 0.001,
    batchSize: 4,
    elapsed: 5,
  });
  // 10 steps x 4 images in 5 s = 8 img/s; 80 steps left at 0.5 s = 40 s
  assert.equal(line, 'step 20/100 loss 0.1235 8.0 img/s ETA 40s');
  assert.equal(formatDuration(3725), '1h02m');
  assert.equal(formatDuration(65), '1m05s');
});
