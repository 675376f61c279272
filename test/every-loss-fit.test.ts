/**
 * Every registered loss, with its default options, in the three places a user puts a loss: as
 * `model.compile({loss})` through `model.fit`, and under `tf.variableGrads` in a custom loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { listLosses, lossFunction, getLoss } from '../src/losses/registry.js';

// Two 3x3 images, 3 classes; class 2 is absent from image 0, so the partial-label losses ('infer')
// have an unannotated class to act on.
const LABELS = [
  [0, 1, 1, 0, 1, 0, 0, 0, 0],
  [2, 2, 0, 1, 1, 0, 0, 0, 2],
];

function data(): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const x = tf.tensor4d(
    LABELS.flat().flatMap((l, i) => [l === 1 ? 1 : 0, l === 2 ? 1 : 0, ((i * 7) % 5) / 5]),
    [2, 3, 3, 3],
  );
  const y = tf.oneHot(tf.tensor1d(LABELS.flat(), 'int32'), 3).reshape([2, 3, 3, 3]) as tf.Tensor4D;
  return { x, y };
}

function model(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3, 3, 3],
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    ],
  });
}

for (const { name } of listLosses()) {
  test(`${name}: trains through model.compile / model.fit with its defaults`, async () => {
    const { x, y } = data();
    const m = model();
    m.compile({ optimizer: tf.train.adam(0.05), loss: lossFunction(name) });
    const history = await m.fit(x, y, { epochs: 15, batchSize: 2, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    assert.ok(losses.every(Number.isFinite), `finite: ${losses.join(', ')}`);
    assert.ok(losses[14] < losses[0], `${name} falls under fit: ${losses[0]} -> ${losses[14]}`);
    const first = tf.tidy(
      () =>
        getLoss(name)
          .tensor(y, model().predict(x) as tf.Tensor)
          .dataSync()[0],
    );
    assert.ok(
      Math.abs(first - losses[0]) < 1e-5 * Math.max(1, first),
      `fit reports the loss: ${first} vs ${losses[0]}`,
    );
    tf.dispose([x, y]);
    m.dispose();
  });

  test(`${name}: gives finite, non-zero gradients in a custom loop`, () => {
    const { x, y } = data();
    const m = model();
    const { value, grads } = tf.variableGrads(
      () => getLoss(name).tensor(y, m.apply(x) as tf.Tensor) as tf.Scalar,
    );
    const g = Object.values(grads).flatMap((t) => Array.from(t.dataSync()));
    assert.ok(Number.isFinite(value.dataSync()[0]));
    assert.ok(g.every(Number.isFinite) && g.some((v) => Math.abs(v) > 1e-6), `${name}: gradient`);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    m.dispose();
  });
}
