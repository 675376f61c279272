// SeglossPadCrop and SeglossFlipFilter (perf-kernels.ts) against plain loops written from their
// definitions, on wasm (the heap kernels) and on cpu (the tfjs-op fallback); values are exact copies.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeglossKernels } from './register.js';
import { flipFilter, padCrop } from './perf-kernels.js';
import { lcgValues } from '../../../test/helpers/arrays.js';

type Shape4 = [number, number, number, number];

before(async () => {
  registerSeglossKernels();
  await tf.setBackend('wasm');
});

/** out[n, i, j, c] = x[n, i − top, j − left, c], 0 outside x; the output is [N, H+top+bottom, W+left+right, C]. */
function padCropLoop(v: Float32Array, [n, h, w, c]: Shape4, [t, b, l, r]: Shape4): Float32Array {
  const oh = h + t + b;
  const ow = w + l + r;
  const out = new Float32Array(n * oh * ow * c);
  for (let a = 0; a < n; a++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < c; k++) {
          const si = i - t;
          const sj = j - l;
          if (si >= 0 && si < h && sj >= 0 && sj < w)
            out[((a * oh + i) * ow + j) * c + k] = v[((a * h + si) * w + sj) * c + k];
        }
  return out;
}

/** out[kh, kw, co, ci] = w[KH−1−kh, KW−1−kw, ci, co]. */
function flipLoop(v: Float32Array, [kh, kw, ci, co]: Shape4): Float32Array {
  const out = new Float32Array(v.length);
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let o = 0; o < co; o++)
        for (let i = 0; i < ci; i++)
          out[((a * kw + b) * co + o) * ci + i] = v[(((kh - 1 - a) * kw + (kw - 1 - b)) * ci + i) * co + o];
  return out;
}

// [top, bottom, left, right]: pads, crops, mixed, and a crop that removes every column.
const PADS: Shape4[] = [
  [1, 1, 1, 1],
  [0, 2, 0, 2],
  [2, 0, 3, 0],
  [-1, 2, 1, -2],
  [-2, -1, -1, -1],
  [1, 0, -5, 0],
];

for (const backend of ['wasm', 'cpu']) {
  test(`padCrop equals the plain loop on ${backend} for pads, crops and empty rows`, async () => {
    await tf.setBackend(backend);
    const shape: Shape4 = [2, 4, 5, 3];
    const v = lcgValues(2 * 4 * 5 * 3, 11);
    const x = tf.tensor4d(v, shape);
    for (const pads of PADS) {
      const out = padCrop(x, ...pads);
      const [t, b, l, r] = pads;
      assert.deepEqual(out.shape, [2, 4 + t + b, 5 + l + r, 3], `shape for pads ${pads}`);
      assert.deepEqual([...out.dataSync()], [...padCropLoop(v, shape, pads)], `values for pads ${pads}`);
      out.dispose();
    }
    assert.equal(padCrop(x, 0, 0, 0, 0), x, 'zero pads return x itself');
    x.dispose();
    await tf.setBackend('wasm');
  });

  test(`flipFilter equals the plain loop on ${backend} (3x3 and non-square 2x3 filters)`, async () => {
    await tf.setBackend(backend);
    for (const shape of [
      [3, 3, 2, 4],
      [2, 3, 3, 1],
    ] as Shape4[]) {
      const v = lcgValues(shape[0] * shape[1] * shape[2] * shape[3], 5);
      const w = tf.tensor4d(v, shape);
      const out = flipFilter(w);
      assert.deepEqual(out.shape, [shape[0], shape[1], shape[3], shape[2]]);
      assert.deepEqual([...out.dataSync()], [...flipLoop(v, shape)]);
      tf.dispose([w, out]);
    }
    await tf.setBackend('wasm');
  });
}

test('a hand-checked padCrop: one 2x2 image padded by one zero row on top and cropped by one column', () => {
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const out = padCrop(x, 1, 0, 0, -1);
  assert.deepEqual([...out.dataSync()], [0, 1, 3]);
  tf.dispose([x, out]);
});

test('padCrop names the kernel and the shape when the crop leaves a negative size', () => {
  const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
  assert.throws(
    () => padCrop(x, -3, 0, 0, 0),
    /segloss: SeglossPadCrop: pads \[-3,0,0,0\] leave a negative size/,
  );
  x.dispose();
});
