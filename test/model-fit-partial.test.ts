/**
 * Integration: a partial-label loss trained through `model.fit` with per-image masks packed into the
 * targets (src/losses/shared/pack-targets.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../src/core/ndarray.js';
import { packTargets, packedLoss } from '../src/losses/shared/pack-targets.js';
import { getLoss } from '../src/losses/registry.js';
import { rng } from './helpers/loss-harness.js';

/**
 * N images of P pixels, C = 3; each pixel's features are a noisy one-hot of its true class. Images
 * 0..N/2-1 do not annotate class 2: their class-2 pixels are labelled background and A = [1, 1, 0].
 */
function partialData(
  n: number,
  p: number,
): { x: tf.Tensor; labels: ReturnType<typeof ndarray>; annotated: ReturnType<typeof ndarray> } {
  const c = 3;
  const r = rng(99);
  const feats = new Float32Array(n * p * c);
  const labels = new Float32Array(n * p * c);
  const annotated = new Float32Array(n * c).fill(1);
  for (let img = 0; img < n; img++) {
    const partial = img < n / 2;
    if (partial) annotated[img * c + 2] = 0;
    for (let i = 0; i < p; i++) {
      const base = (img * p + i) * c;
      const truth = Math.floor(r() * c);
      for (let k = 0; k < c; k++) feats[base + k] = (k === truth ? 1 : 0) + 0.3 * (r() - 0.5);
      labels[base + (partial && truth === 2 ? 0 : truth)] = 1;
    }
  }
  return {
    x: tf.tensor(feats, [n, p, c]),
    labels: ndarray(labels, [n, p, c]),
    annotated: ndarray(annotated, [n, c]),
  };
}

for (const [name, options] of [
  ['marginal-crossentropy', { fromLogits: true }],
  ['focal', { fromLogits: true }],
] as const) {
  test(`model.fit with packed targets: ${name} equals the unpacked loss on the first batch and falls`, async () => {
    const { x, labels, annotated } = partialData(8, 16);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [16, 3],
          units: 3,
          kernelInitializer: tf.initializers.randomNormal({ seed: 1, stddev: 0.3 }),
        }),
      ],
    });
    // Loss of the initial weights, computed directly with the explicit mask.
    const direct = tf.tidy(
      () =>
        getLoss(name)
          .tensor(tf.tensor(labels.data, [8, 16, 3]), model.predict(x) as tf.Tensor, {
            ...options,
            annotated,
          })
          .dataSync()[0],
    );
    model.compile({ optimizer: tf.train.adam(0.05), loss: packedLoss(name, options) });
    const y = packTargets(labels, annotated);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    assert.ok(Math.abs(losses[0] - direct) < 1e-5, `first batch ${losses[0]} = unpacked ${direct}`);
    assert.ok(losses[29] < 0.5 * losses[0], `loss falls: ${losses[0]} -> ${losses[29]}`);
    tf.dispose([x, y]);
    model.dispose();
  });
}
