// FastBatchNormalization against tfjs-layers' stock BatchNormalization: outputs, gradients (x, gamma,
// beta), moving statistics and inference, with batch 3 and odd sizes; on cpu (tfjs ops) and on wasm
// (segloss' SIMD batch-norm kernels when C is a multiple of 4, tfjs ops otherwise).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FastBatchNormalization } from './fast-batch-norm.js';
import { registerSeglossKernels } from '../backend/kernels/register.js';
import { batchNormSimdFits } from '../backend/kernels/batch-norm-simd.js';
import { assertAllClose, lcgValues } from '../../test/helpers/arrays.js';

before(async () => {
  registerSeglossKernels();
  await tf.setBackend('cpu');
});

const CASES: { backend: string; shape: [number, number, number, number]; kernels: boolean }[] = [
  { backend: 'cpu', shape: [3, 5, 7, 4], kernels: false },
  { backend: 'wasm', shape: [3, 5, 7, 4], kernels: true },
  // More than one 256-row block of the SIMD sums, 8 channels.
  { backend: 'wasm', shape: [2, 16, 20, 8], kernels: true },
  // C = 6 is not a multiple of 4: tfjs ops on wasm too.
  { backend: 'wasm', shape: [2, 3, 5, 6], kernels: false },
];

for (const { backend, shape, kernels } of CASES)
  test(`FastBatchNormalization equals the stock layer on ${backend} [${shape}] (${kernels ? 'SIMD kernels' : 'tfjs ops'}): training output, gradients, moving stats, inference`, async () => {
    await tf.setBackend(backend);
    const c = shape[3];
    const size = shape.reduce((a, d) => a * d, 1);
    const x = tf.tensor4d(lcgValues(size, 1, { scale: 2, shift: 0.5 }), shape);
    assert.equal(batchNormSimdFits(x), kernels);
    const w = tf.tensor4d(lcgValues(size, 2), shape); // upstream gradient dy = w
    const pick = (values: number[]) =>
      tf.tensor1d(Array.from({ length: c }, (_, j) => values[j % values.length]));
    const gamma = pick([1.5, -0.5, 0.8, 1]);
    const beta = pick([0.1, 0.2, -0.3, 0]);
    const layers = [tf.layers.batchNormalization({ axis: -1 }), new FastBatchNormalization({ axis: -1 })];
    const results = layers.map((layer) => {
      layer.build(shape);
      layer.setWeights([gamma, beta, pick([0.2, 0, -0.1, 0.3]), pick([1, 2, 0.5, 1])]);
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
    const e = new Float64Array(c);
    for (let i = 0; i < wv.length; i++) e[i % c] += wv[i];
    assertAllClose(fast.db, e, 1e-4, 'dbeta by hand');
    // Weights keep the stock names (checkpoints load by name) and the class name serialises as stock.
    assert.deepEqual(
      layers[1].weights.map((v) => v.originalName.split('/').pop()),
      ['gamma', 'beta', 'moving_mean', 'moving_variance'],
    );
    assert.equal(layers[1].getClassName(), 'BatchNormalization');
    await tf.setBackend('cpu');
  });

test('FastBatchNormalization falls back to the stock path for other axes', () => {
  const x = tf.tensor4d(lcgValues(2 * 3 * 4 * 5, 3), [2, 3, 4, 5]);
  const stock = tf.layers.batchNormalization({ axis: 1 });
  const fast = new FastBatchNormalization({ axis: 1 });
  const a = (stock.apply(x, { training: true }) as tf.Tensor).dataSync();
  const b = (fast.apply(x, { training: true }) as tf.Tensor).dataSync();
  assertAllClose(b, a, 1e-6, 'axis 1');
});

test('the SIMD batch-norm kernels free their scratch: backend data and tensors stay constant', async () => {
  await tf.setBackend('wasm');
  const layer = new FastBatchNormalization({ axis: -1 });
  const x = tf.tensor4d(lcgValues(2 * 6 * 6 * 8, 4), [2, 6, 6, 8]);
  layer.build(x.shape);
  const step = () => {
    const g = tf.grad((t: tf.Tensor) => (layer.apply(t, { training: true }) as tf.Tensor).square().sum())(x);
    g.dispose();
  };
  step();
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const [ids, tensors] = [backend.numDataIds(), tf.memory().numTensors];
  for (let i = 0; i < 3; i++) step();
  assert.equal(backend.numDataIds(), ids);
  assert.equal(tf.memory().numTensors, tensors);
  x.dispose();
  await tf.setBackend('cpu');
});
