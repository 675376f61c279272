// FastBatchNormalization against tfjs-layers' stock BatchNormalization on the cpu backend: outputs,
// gradients (x, gamma, beta), moving statistics and inference, with batch 3 and odd sizes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FastBatchNormalization } from './fast-batch-norm.js';
import { assertAllClose, lcgValues } from '../../test/helpers/arrays.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('FastBatchNormalization equals the stock layer: training output, gradients, moving stats, inference', () => {
  const shape: [number, number, number, number] = [3, 5, 7, 4];
  const size = 3 * 5 * 7 * 4;
  const x = tf.tensor4d(lcgValues(size, 1, { scale: 2, shift: 0.5 }), shape);
  const w = tf.tensor4d(lcgValues(size, 2), shape); // upstream gradient dy = w
  const gamma = tf.tensor1d([1.5, -0.5, 0.8, 1]);
  const beta = tf.tensor1d([0.1, 0.2, -0.3, 0]);
  const layers = [tf.layers.batchNormalization({ axis: -1 }), new FastBatchNormalization({ axis: -1 })];
  const results = layers.map((layer) => {
    layer.build(shape);
    layer.setWeights([gamma, beta, tf.tensor1d([0.2, 0, -0.1, 0.3]), tf.tensor1d([1, 2, 0.5, 1])]);
    const [g, b] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => (layer.apply(x, { training: true }) as tf.Tensor).mul(w).sum() as tf.Scalar,
      [g, b],
    );
    const y = (layer.apply(x, { training: false }) as tf.Tensor).dataSync(); // inference after 2 updates
    const dx = tf
      .grad((t: tf.Tensor) => (layer.apply(t, { training: true }) as tf.Tensor).mul(w).sum())(x)
      .dataSync();
    const [mm, mv] = layer
      .getWeights()
      .slice(2)
      .map((t) => t.dataSync());
    return {
      loss: value.dataSync()[0],
      dg: grads[g.name].dataSync(),
      db: grads[b.name].dataSync(),
      y,
      dx,
      mm,
      mv,
    };
  });
  const [stock, fast] = results;
  assert.ok(Math.abs(fast.loss - stock.loss) < 1e-4, `loss ${fast.loss} vs ${stock.loss}`);
  assertAllClose(fast.dg, stock.dg, 1e-4, 'dgamma');
  assertAllClose(fast.db, stock.db, 1e-4, 'dbeta');
  assertAllClose(fast.dx, stock.dx, 1e-4, 'dx');
  assertAllClose(fast.mm, stock.mm, 1e-5, 'moving mean (3 updates)');
  assertAllClose(fast.mv, stock.mv, 1e-5, 'moving variance (3 updates)');
  assertAllClose(fast.y, stock.y, 1e-5, 'inference output');
  // dbeta is the per-channel sum of dy: a hand check independent of both layers.
  const wv = w.dataSync();
  const e = new Float64Array(4);
  for (let i = 0; i < wv.length; i++) e[i % 4] += wv[i];
  assertAllClose(fast.db, e, 1e-4, 'dbeta by hand');
  // Weights keep the stock names (checkpoints load by name) and the class name serialises as stock.
  assert.deepEqual(
    layers[1].weights.map((v) => v.originalName.split('/').pop()),
    ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  );
  assert.equal(layers[1].getClassName(), 'BatchNormalization');
});

test('FastBatchNormalization falls back to the stock path for other axes', () => {
  const x = tf.tensor4d(lcgValues(2 * 3 * 4 * 5, 3), [2, 3, 4, 5]);
  const stock = tf.layers.batchNormalization({ axis: 1 });
  const fast = new FastBatchNormalization({ axis: 1 });
  const a = (stock.apply(x, { training: true }) as tf.Tensor).dataSync();
  const b = (fast.apply(x, { training: true }) as tf.Tensor).dataSync();
  assertAllClose(b, a, 1e-6, 'axis 1');
});
