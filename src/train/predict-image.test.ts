// Tiled inference: window positions and weights by hand; an image tiled equals the model run on it whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/setup.js';
import { predictImage, windowStarts, windowWeights } from './predict-image.js';

test('windowStarts: stride floor(win * (1 - overlap)), last window flush with the edge', () => {
  assert.deepEqual(windowStarts(10, 4, 0.25), [0, 3, 6]);
  assert.deepEqual(windowStarts(11, 4, 0.25), [0, 3, 6, 7]);
  assert.deepEqual(windowStarts(4, 4, 0.25), [0]);
  assert.deepEqual(windowStarts(3, 4, 0.25), [0]);
  assert.deepEqual(windowStarts(8, 4, 0), [0, 4]);
  assert.deepEqual(windowStarts(6, 4, 0.9), [0, 1, 2]);
});

test('windowWeights: constant ones; Gaussian 1 at the centre, exp(-d^2 / (2 sigma^2)) elsewhere', () => {
  assert.deepEqual([...windowWeights(1, 3, 'constant')], [1, 1, 1]);
  // 1 x 3 window, sigma = 0.5 * 3 = 1.5 along x, centre 1; along y the single row has weight 1.
  const g = windowWeights(1, 3, 'gaussian', 0.5);
  const e = Math.exp(-1 / (2 * 1.5 ** 2));
  assert.ok(Math.abs(g[0] - e) < 1e-7 && Math.abs(g[1] - 1) < 1e-7 && Math.abs(g[2] - e) < 1e-7);
});

test('predictImage: a pointwise model tiled over 7x9 (padded and overlapping windows) equals the model on the whole image', async () => {
  await setupBackend('cpu');
  // 1x1 convolution + softmax: the output at a pixel depends only on that pixel, so tiling is exact.
  const make = (h: number | null, w: number | null) => {
    const input = tf.input({ shape: [h, w, 2] });
    const out = tf.layers
      .conv2d({
        filters: 3,
        kernelSize: 1,
        activation: 'softmax',
        kernelInitializer: 'glorotUniform',
        biasInitializer: 'zeros',
        name: 'c',
      })
      .apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const windowed = make(4, 4);
  const whole = make(null, null);
  whole.setWeights(windowed.getWeights());
  const h = 7;
  const w = 9;
  const data = Float32Array.from({ length: h * w * 2 }, (_, k) => Math.sin(k));
  const expected = (whole.predict(tf.tensor4d(data, [1, h, w, 2])) as tf.Tensor).dataSync();
  for (const blend of ['constant', 'gaussian'] as const) {
    const p = predictImage(windowed, { data, height: h, width: w }, 'softmax', { overlap: 0.5, blend });
    assert.equal(p.probs.length, h * w * 3);
    p.probs.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${blend} ${i}`));
    for (let q = 0; q < h * w; q++) {
      const row = [...expected.slice(3 * q, 3 * q + 3)];
      assert.equal(p.labels[q], row.indexOf(Math.max(...row)));
    }
  }
  // smaller than the window: padded, cropped back
  const small = predictImage(windowed, { data: data.subarray(0, 2 * 3 * 2), height: 2, width: 3 }, 'softmax');
  assert.equal(small.labels.length, 6);
  assert.throws(
    () => predictImage(windowed, { data, height: h, width: w }, 'softmax', { overlap: 1 }),
    /predictImage: overlap is 1/,
  );
  windowed.dispose();
  whole.dispose();
});
