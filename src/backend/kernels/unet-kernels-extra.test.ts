// Tests of the U-Net kernels for tfjs' wasm backend that are not pooling/resize/concat: Sum and Mean
// over leading axes, copy-free Identity and Cast, and the tile-free batch-norm gradient.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeglossKernels } from './register.js';
import { columnSums } from './leading-sum.js';
import { useSimdKernels } from '../wasm/simd-instance.js';
import { batchNormGradConfig } from './batch-norm-grad.js';
import { assertAllClose, lcgValues } from '../../../test/helpers/arrays.js';

// tfjs' own FusedBatchNorm gradient, captured before registerSeglossKernels replaces it.
const tfjsBatchNormGrad = tf.getGradient(tf.FusedBatchNorm);

before(async () => {
  registerSeglossKernels();
  await tf.setBackend('wasm');
});

/** Deterministic values in [-1, 1) (a linear congruential generator), optionally rounded to create ties. */

type Shape4 = [number, number, number, number];

/** Means over the last axis (6 channels) of a flat [.., 6] array. */
function e3Of(v: Float32Array): Float64Array {
  const out = new Float64Array(v.length / 6);
  for (let i = 0; i < v.length; i++) out[Math.floor(i / 6)] += v[i] / 6;
  return out;
}

// Twice: with segloss' SIMD heap kernel (heap-kernels.wat) and, switched off, the JavaScript loop.
for (const simd of [true, false])
  test(`Sum and Mean over leading axes (bias gradient) match a plain loop, SIMD ${simd ? 'on' : 'off'}; other reductions still work`, () => {
    const was = useSimdKernels(simd);
    assert.deepEqual([...columnSums(Float32Array.of(1, 2, 3, 4, 5, 6), 3, 2)], [9, 12]);
    const shape: Shape4 = [3, 5, 7, 6];
    const v = lcgValues(3 * 5 * 7 * 6, 8);
    const x = tf.tensor4d(v, shape);
    const expected = new Float64Array(6);
    for (let i = 0; i < v.length; i++) expected[i % 6] += v[i];
    const s = x.sum([0, 1, 2]);
    assert.deepEqual(s.shape, [6]);
    assertAllClose(s.dataSync(), expected, 1e-5, 'sum [0,1,2]');
    const k = x.sum([2, 0, 1], true); // unordered axes, keepDims
    assert.deepEqual(k.shape, [1, 1, 1, 6]);
    assertAllClose(k.dataSync(), expected, 1e-5, 'sum keepDims');
    const m = x.mean([0, 1, 2]);
    assertAllClose(
      m.dataSync(),
      expected.map((e) => e / (3 * 5 * 7)),
      1e-5,
      'mean [0,1,2]',
    );
    assertAllClose(x.mean(-1).dataSync(), e3Of(v), 1e-5, 'mean axis -1 (fallback)');
    m.dispose();
    const lead1 = x.sum(0);
    const e1 = new Float64Array(5 * 7 * 6);
    for (let i = 0; i < v.length; i++) e1[i % e1.length] += v[i];
    assertAllClose(lead1.dataSync(), e1, 1e-5, 'sum axis 0');
    // Not leading axes, all axes, and int32: tfjs' own kernel.
    const inner = x.sum(-1);
    const e3 = new Float64Array(3 * 5 * 7);
    for (let i = 0; i < v.length; i++) e3[Math.floor(i / 6)] += v[i];
    assertAllClose(inner.dataSync(), e3, 1e-5, 'sum axis -1');
    assertAllClose(x.sum().dataSync(), [expected.reduce((a, b) => a + b)], 1e-4, 'sum all');
    assert.equal(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32').sum(0).dtype, 'int32');
    assertAllClose(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32').sum(0).dataSync(), [4, 6], 0, 'int sum');
    tf.dispose([x, s, k, lead1, inner]);
    useSimdKernels(was);
  });

test('Identity (tf.clone) shares the buffer, keeps values, and disposing either side is safe', () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const y = tf.clone(x);
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 4, 5, 6]);
  x.dispose();
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 4, 5, 6]);
  const z = y.add(1);
  y.dispose();
  assert.deepEqual([...z.dataSync()], [2, 3, 4, 5, 6, 7]);
  z.dispose();
  assert.equal(tf.memory().numTensors, before);
  const s = tf.clone(tf.tensor1d(['p', 'q'], 'string'));
  assert.deepEqual(s.arraySync(), ['p', 'q']);
  // Cast: same dtype shares, a real conversion still converts.
  const f = tf.tensor1d([1.5, -2.25, 0]);
  const same = tf.cast(f, 'float32');
  f.dispose();
  assert.deepEqual([...same.dataSync()], [1.5, -2.25, 0]);
  const asInt = tf.cast(same, 'int32');
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual([...asInt.dataSync()], [1, -2, 0]);
  tf.dispose([same, asInt]);
});

test('tile-free batch-norm gradient equals tfjs own gradient for x, mean, variance, scale, offset', () => {
  assert.ok(tfjsBatchNormGrad && tfjsBatchNormGrad !== batchNormGradConfig);
  assert.equal(tf.getGradient(tf.FusedBatchNorm), batchNormGradConfig);
  const shape: Shape4 = [3, 5, 7, 4];
  const x = tf.tensor4d(lcgValues(3 * 5 * 7 * 4, 21), shape);
  const w = tf.tensor4d(lcgValues(3 * 5 * 7 * 4, 22), shape);
  const mean = tf.tensor1d([0.1, -0.2, 0.05, 0]);
  const variance = tf.tensor1d([0.5, 1.5, 0.25, 2]);
  const offset = tf.tensor1d([0.3, 0, -0.1, 0.2]);
  const scale = tf.tensor1d([1.2, 0.7, -0.4, 1]);
  const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
    tf
      .batchNorm(a as tf.Tensor4D, m, v, o, s, 1e-3)
      .mul(w)
      .sum();
  const ours = tf.grads(f)([x, mean, variance, scale, offset]);
  tf.registerGradient(tfjsBatchNormGrad!);
  try {
    const theirs = tf.grads(f)([x, mean, variance, scale, offset]);
    ['x', 'mean', 'variance', 'scale', 'offset'].forEach((name, i) =>
      assertAllClose(ours[i].dataSync(), theirs[i].dataSync(), 1e-5, `d${name}`),
    );
    tf.dispose(theirs);
  } finally {
    tf.registerGradient(batchNormGradConfig);
  }
  // Hand check of doffset: sum of dy (= w) over N, H, W per channel.
  const wv = w.dataSync();
  const e = new Float64Array(4);
  for (let i = 0; i < wv.length; i++) e[i % 4] += wv[i];
  assertAllClose(ours[4].dataSync(), e, 1e-5, 'doffset by hand');
  tf.dispose([x, w, mean, variance, offset, scale, ...ours]);
});
