// Tests of the U-Net training kernels for tfjs' wasm backend (MaxPoolGrad, ResizeNearestNeighborGrad,
// Concat, SplitV) against plain-loop references, with batch > 1, odd sizes and several channels.
// Sum/Mean, Identity/Cast and the batch-norm gradient: unet-kernels-extra.test.ts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeglossKernels } from './register.js';
import { nearestSourceIndex } from './resize-grad.js';
import { useSimdKernels } from '../wasm/simd-instance.js';
import { assertAllClose, lcgValues } from '../../../test/helpers/arrays.js';

before(async () => {
  registerSeglossKernels();
  await tf.setBackend('wasm');
});

/** Deterministic values in [-1, 1) (a linear congruential generator), optionally rounded to create ties. */

type Shape4 = [number, number, number, number];

/** Plain-loop max-pool gradient: first maximum (row-major) of each window gets the window's dy. */
function maxPoolGradRef(x: Float32Array, shape: Shape4, f: number, s: number, pad: 'same' | 'valid') {
  const [n, h, w, c] = shape;
  const oh = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - f) / s) + 1;
  const ow = pad === 'same' ? Math.ceil(w / s) : Math.floor((w - f) / s) + 1;
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + f - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + f - w, 0) / 2) : 0;
  const dy = lcgValues(n * oh * ow * c, 99);
  const dx = new Float32Array(x.length);
  const at = (b: number, i: number, j: number, k: number) => ((b * h + i) * w + j) * c + k;
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let best = -Infinity;
          let arg = -1;
          for (let i = oy * s - top; i < oy * s - top + f; i++)
            for (let j = ox * s - left; j < ox * s - left + f; j++) {
              if (i < 0 || j < 0 || i >= h || j >= w) continue;
              if (x[at(b, i, j, k)] > best) {
                best = x[at(b, i, j, k)];
                arg = at(b, i, j, k);
              }
            }
          dx[arg] += dy[((b * oh + oy) * ow + ox) * c + k];
        }
  return { dy, dyShape: [n, oh, ow, c] as Shape4, dx };
}

const poolCases: { shape: Shape4; f: number; s: number; pad: 'same' | 'valid'; levels: number }[] = [
  { shape: [3, 8, 6, 4], f: 2, s: 2, pad: 'valid', levels: 0 },
  { shape: [2, 7, 5, 3], f: 2, s: 2, pad: 'same', levels: 0 }, // padded bottom/right: general path
  { shape: [2, 7, 5, 3], f: 2, s: 2, pad: 'valid', levels: 2 }, // 2x2 fast path, odd leftovers, ties
  { shape: [3, 6, 4, 16], f: 2, s: 2, pad: 'same', levels: 4 }, // 2x2 fast path, U-Net-like channels
  { shape: [2, 7, 5, 8], f: 2, s: 2, pad: 'valid', levels: 2 }, // SIMD 2x2 path, odd H and W, ties
  { shape: [2, 9, 7, 5], f: 3, s: 2, pad: 'same', levels: 2 }, // overlapping windows, many ties
  { shape: [3, 7, 9, 2], f: 3, s: 1, pad: 'valid', levels: 3 },
];

// Each case with segloss' SIMD heap kernels on (the 2x2 path when C is a multiple of 4) and off.
for (const { shape, f, s, pad, levels } of poolCases)
  for (const simd of [true, false]) {
    test(`MaxPoolGrad matches the plain loop (SIMD ${simd ? 'on' : 'off'}): x ${JSON.stringify(shape)}, ${f}x${f} stride ${s} ${pad}`, () => {
      const was = useSimdKernels(simd);
      const xv = lcgValues(
        shape.reduce((a, b) => a * b),
        7,
        { levels },
      );
      const ref = maxPoolGradRef(xv, shape, f, s, pad);
      const x = tf.tensor4d(xv, shape);
      const y = tf.maxPool(x, f, s, pad);
      assert.deepEqual(y.shape, ref.dyShape);
      const dy = tf.tensor4d(ref.dy, ref.dyShape);
      const dx = tf
        .engine()
        .runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, { filterSize: f, strides: s, pad });
      assertAllClose((dx as tf.Tensor).dataSync(), ref.dx, 1e-4, 'dx');
      // The same kernel reached through autodiff of tf.maxPool.
      const g = tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, f, s, pad)
          .mul(dy)
          .sum(),
      )(x);
      assertAllClose(g.dataSync(), ref.dx, 1e-4, 'tf.grad dx');
      tf.dispose([x, y, dy, dx as tf.Tensor, g]);
      useSimdKernels(was);
    });
  }

test('MaxPoolGrad 2x2, SIMD and JS alike: the first maximum wins, NaN never, an all-NaN/-inf window passes nothing', () => {
  // One image 2x4, 4 channels, two windows. Channel k of window 0 (hand):
  //  k0: [NaN, -inf, 2, 2] -> position 2 (the later tie loses); k1: [1, 3, 3, 0] -> position 1;
  //  k2: [NaN, NaN, -inf, NaN] -> nothing; k3: [-1, -2, -3, -0.5] -> position 3.
  // Window 1 is all 0: position 0 wins every channel.
  const win0 = [
    [NaN, 1, NaN, -1],
    [-Infinity, 3, NaN, -2],
    [2, 3, -Infinity, -3],
    [2, 0, NaN, -0.5],
  ]; // positions p0 (0,0), p1 (0,1), p2 (1,0), p3 (1,1)
  const at = (row: number, col: number) => (row * 4 + col) * 4;
  const xv = new Float32Array(2 * 4 * 4);
  win0.forEach((v, pos) => xv.set(v, at(pos >> 1, pos & 1)));
  const expected = new Float32Array(xv.length);
  const g = [10, 20, 30, 40, 50, 60, 70, 80]; // dy for window 0 then window 1
  expected[at(1, 0) + 0] = 10;
  expected[at(0, 1) + 1] = 20;
  expected[at(1, 1) + 3] = 40;
  for (let k = 0; k < 4; k++) expected[at(0, 2) + k] = g[4 + k];
  for (const simd of [true, false]) {
    const was = useSimdKernels(simd);
    const x = tf.tensor4d(xv, [1, 2, 4, 4]);
    const dy = tf.tensor4d(g, [1, 1, 2, 4]);
    const dx = tf
      .engine()
      .runKernel(
        tf.MaxPoolGrad,
        { dy, input: x, output: dy },
        { filterSize: 2, strides: 2, pad: 'valid' },
      ) as tf.Tensor;
    assert.deepEqual([...dx.dataSync()], [...expected], `SIMD ${simd}`);
    tf.dispose([x, dy, dx]);
    useSimdKernels(was);
  }
});

test('nearestSourceIndex gives the hand-derived maps', () => {
  assert.deepEqual([...nearestSourceIndex(2, 4, false, false)], [0, 0, 1, 1]);
  assert.deepEqual([...nearestSourceIndex(3, 5, false, false)], [0, 0, 1, 1, 2]); // floor(0.6 * o)
  assert.deepEqual([...nearestSourceIndex(3, 5, true, false)], [0, 1, 1, 2, 2]); // round(0.5 * o)
  assert.deepEqual([...nearestSourceIndex(3, 5, false, true)], [0, 0, 1, 2, 2]); // floor(0.6 * (o + .5))
});

/**
 * Plain-loop adjoint of the forward resize: the forward is run (on tfjs' cpu backend) on an image whose
 * values are their own flat indices, which yields each output pixel's source; dx[src] += dy.
 */
async function resizeGradRef(shape: Shape4, size: [number, number], alignCorners: boolean, half: boolean) {
  const [n, , , c] = shape;
  const total = shape.reduce((a, b) => a * b);
  const prev = tf.getBackend();
  await tf.setBackend('cpu');
  const index = tf.tensor4d(
    Float32Array.from({ length: total }, (_, i) => i),
    shape,
  );
  const src = tf.image.resizeNearestNeighbor(index, size, alignCorners, half).dataSync().slice();
  tf.dispose(index);
  await tf.setBackend(prev);
  const dy = lcgValues(n * size[0] * size[1] * c, 5);
  const dx = new Float64Array(total);
  for (let i = 0; i < src.length; i++) dx[src[i]] += dy[i];
  return { dy, dyShape: [n, size[0], size[1], c] as Shape4, dx };
}

const resizeCases: { shape: Shape4; size: [number, number]; align: boolean; half: boolean }[] = [
  { shape: [3, 5, 7, 4], size: [10, 14], align: false, half: false }, // U-Net's x2 up-sampling (SIMD)
  { shape: [2, 3, 5, 8], size: [6, 10], align: false, half: true }, // x2 with half-pixel centres (SIMD)
  { shape: [2, 5, 7, 3], size: [8, 9], align: false, half: false },
  { shape: [2, 5, 7, 3], size: [8, 9], align: true, half: false },
  { shape: [3, 4, 6, 2], size: [9, 11], align: false, half: true },
  { shape: [2, 9, 6, 2], size: [4, 5], align: false, half: false }, // down-sampling: some inputs unused
];

for (const { shape, size, align, half } of resizeCases)
  for (const simd of [true, false]) {
    test(`ResizeNearestNeighborGrad is the forward's adjoint (SIMD ${simd ? 'on' : 'off'}): ${JSON.stringify(shape)} -> ${JSON.stringify(size)}, alignCorners ${align}, halfPixelCenters ${half}`, async () => {
      const was = useSimdKernels(simd);
      const ref = await resizeGradRef(shape, size, align, half);
      const images = tf.zeros(shape);
      const dy = tf.tensor4d(ref.dy, ref.dyShape);
      const dx = tf
        .engine()
        .runKernel(
          tf.ResizeNearestNeighborGrad,
          { images, dy },
          { alignCorners: align, halfPixelCenters: half },
        ) as tf.Tensor;
      assertAllClose(dx.dataSync(), ref.dx, 1e-4, 'dx');
      const g = tf.grad((t: tf.Tensor) =>
        tf.image
          .resizeNearestNeighbor(t as tf.Tensor4D, size, align, half)
          .mul(dy)
          .sum(),
      )(images);
      assertAllClose(g.dataSync(), ref.dx, 1e-4, 'tf.grad dx');
      tf.dispose([images, dy, dx, g]);
      useSimdKernels(was);
    });
  }

test('the cpu ResizeNearestNeighborGrad fix matches the reference for batch 3', async () => {
  const shape: Shape4 = [3, 5, 7, 4];
  const ref = await resizeGradRef(shape, [10, 14], false, false);
  await tf.setBackend('cpu');
  try {
    const images = tf.zeros(shape);
    const dy = tf.tensor4d(ref.dy, ref.dyShape);
    const g = tf.grad((t: tf.Tensor) =>
      tf.image
        .resizeNearestNeighbor(t as tf.Tensor4D, [10, 14])
        .mul(dy)
        .sum(),
    )(images);
    assertAllClose(g.dataSync(), ref.dx, 1e-4, 'cpu tf.grad dx');
    tf.dispose([images, dy, g]);
  } finally {
    await tf.setBackend('wasm');
  }
});

test('Concat and SplitV match plain-loop references on every axis, float32 and int32', () => {
  const a = lcgValues(2 * 3 * 5 * 4, 1);
  const b = lcgValues(2 * 3 * 5 * 70, 2);
  for (const [axis, sa, sb] of [
    [3, [2, 3, 5, 4], [2, 3, 5, 70]],
    [2, [2, 3, 4, 5], [2, 3, 70, 5]],
    [0, [4, 3, 5, 2], [70, 3, 5, 2]],
  ] as [number, Shape4, Shape4][]) {
    const ta = tf.tensor4d(a, sa);
    const tb = tf.tensor4d(b, sb);
    const joined = tf.concat([ta, tb], axis);
    // Reference: outer rows of A then B.
    const outer = sa.slice(0, axis).reduce((p, q) => p * q, 1);
    const la = a.length / outer;
    const lb = b.length / outer;
    const expected: number[] = [];
    for (let o = 0; o < outer; o++)
      expected.push(...a.subarray(o * la, (o + 1) * la), ...b.subarray(o * lb, (o + 1) * lb));
    assertAllClose(joined.dataSync(), expected, 0, `concat axis ${axis}`);
    const [pa, pb] = tf.split(joined, [sa[axis], sb[axis]], axis);
    assert.deepEqual(pa.shape, sa);
    assertAllClose(pa.dataSync(), a, 0, `split A axis ${axis}`);
    assertAllClose(pb.dataSync(), b, 0, `split B axis ${axis}`);
    const ints = tf.concat([ta.toInt(), tb.toInt()], axis);
    assert.equal(ints.dtype, 'int32');
    assertAllClose(ints.dataSync(), Int32Array.from(expected, Math.trunc), 0, `int concat axis ${axis}`);
    const [ia, ib] = tf.split(ints, [sa[axis], sb[axis]], axis);
    assertAllClose(ia.dataSync(), Int32Array.from(a, Math.trunc), 0, `int split A axis ${axis}`);
    assertAllClose(ib.dataSync(), Int32Array.from(b, Math.trunc), 0, `int split B axis ${axis}`);
    const twice = tf.concat([ta, ta], axis);
    const halves = tf.split(twice, 2, axis); // a number of equal splits
    assertAllClose(halves[1].dataSync(), a, 0, `equal split axis ${axis}`);
    tf.dispose([ta, tb, joined, pa, pb, ints, ia, ib, twice, ...halves]);
  }
});

test('Concat gradient (SplitV) routes dy back to each input', () => {
  const x1 = tf.tensor4d(lcgValues(3 * 5 * 7 * 3, 3), [3, 5, 7, 3]);
  const x2 = tf.tensor4d(lcgValues(3 * 5 * 7 * 5, 4), [3, 5, 7, 5]);
  const w = tf.tensor4d(lcgValues(3 * 5 * 7 * 8, 6), [3, 5, 7, 8]);
  const [g1, g2] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.concat([p, q], -1).mul(w).sum())([x1, x2]);
  const wv = w.dataSync();
  const e1: number[] = [];
  const e2: number[] = [];
  for (let r = 0; r < 3 * 5 * 7; r++) {
    e1.push(...wv.subarray(r * 8, r * 8 + 3));
    e2.push(...wv.subarray(r * 8 + 3, r * 8 + 8));
  }
  assertAllClose(g1.dataSync(), e1, 0, 'grad x1');
  assertAllClose(g2.dataSync(), e2, 0, 'grad x2');
  tf.dispose([x1, x2, w, g1, g2]);
});

test('string Concat falls back to tfjs and stays correct', () => {
  const s = tf.concat([tf.tensor1d(['a', 'b'], 'string'), tf.tensor1d(['c'], 'string')]);
  assert.deepEqual(s.arraySync(), ['a', 'b', 'c']);
  s.dispose();
});
