// Integration: training a U-Net on tfjs' wasm backend with segloss' kernels (conv gradients, max-pool,
// nearest up-sampling and concat gradients). Whole-model gradient parity against tfjs' cpu backend, a
// short training run whose loss must fall, and no tensor leak across steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/backend/setup.js';
import { buildUNet, type UNetOptions } from '../src/model/unet.js';
import { registerSeglossKernels } from '../src/backend/kernels/register.js';

// tfjs' own cpu ResizeNearestNeighborGrad is wrong for batch > 1; the cpu reference uses segloss' fix.
registerSeglossKernels();

/** Deterministic values in [0, 1) from a linear congruential generator. */
function uniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** Images [n,h,w,1] and one-hot labels [n,h,w,c] with random labels (for gradient parity). */
function randomBatch(
  n: number,
  h: number,
  w: number,
  c: number,
  seed: number,
): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const u = uniform(n * h * w, seed + 1);
  const labels = Int32Array.from(u, (v) => Math.floor(v * c));
  const x = tf.tensor4d(uniform(n * h * w, seed), [n, h, w, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), c).reshape([n, h, w, c]) as tf.Tensor4D;
  return { x, y };
}

/** Mean categorical cross-entropy of softmax probabilities (the loss of bench/train-step.ts). */
function loss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const p = model.apply(x, { training: true }) as tf.Tensor;
  return tf.metrics.categoricalCrossentropy(y, p).mean() as tf.Scalar;
}

/** Gradients of the loss for every trainable weight (in model order, keyed by layer/weight), on `backend`. */
async function gradients(backend: 'cpu' | 'wasm', options: UNetOptions): Promise<Map<string, Float32Array>> {
  await setupBackend(backend);
  const model = buildUNet(options);
  const { x, y } = randomBatch(3, 8, 12, options.numClasses, 17);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, value } = tf.variableGrads(() => loss(model, x, y), vars);
  const out = new Map<string, Float32Array>();
  // Variable names get a per-model suffix (`enc0_conv1/kernel_2`); the original name is stable.
  model.trainableWeights.forEach((w, i) =>
    out.set(w.originalName, grads[vars[i].name].dataSync() as Float32Array),
  );
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

const variants: [string, Partial<UNetOptions>][] = [
  ['without batch norm', { batchNorm: false }],
  ['with batch norm', { batchNorm: true }],
  ['with batch norm and transposed-conv decoder', { batchNorm: true, decoder: 'transpose' }],
];

for (const [label, patch] of variants) {
  test(`one training step: wasm gradients equal cpu gradients (${label})`, async () => {
    const options: UNetOptions = {
      inputShape: [8, 12, 1],
      numClasses: 3,
      depth: 3,
      baseFilters: 4,
      seed: 5,
      ...patch,
    };
    const cpu = await gradients('cpu', options);
    const wasm = await gradients('wasm', options);
    assert.equal(wasm.size, cpu.size);
    let worst = 0;
    for (const [name, ref] of cpu) {
      const got = wasm.get(name);
      assert.ok(got, `no wasm gradient for ${name}`);
      const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(scale > 0, `cpu gradient of ${name} is all zero`);
      // Relative to the tensor's largest gradient, so near-zero entries do not dominate.
      let err = 0;
      for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i] - ref[i]) / scale);
      assert.ok(err <= 1e-3, `${name}: max relative difference ${err}`);
      worst = Math.max(worst, err);
    }
    assert.ok(worst < 1e-3);
  });
}

/**
 * A learnable synthetic task: a bright axis-aligned rectangle (class 1) with a brighter core (class 2) on
 * dark noise (class 0), at random positions.
 */
function rectangles(n: number, size: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const u = uniform(n * (4 + size * size), seed);
  const img = new Float32Array(n * size * size);
  const lab = new Int32Array(n * size * size);
  let k = 0;
  for (let b = 0; b < n; b++) {
    const r0 = Math.floor(u[k++] * (size / 2));
    const c0 = Math.floor(u[k++] * (size / 2));
    const h = 4 + Math.floor(u[k++] * (size / 2 - 3));
    const w = 4 + Math.floor(u[k++] * (size / 2 - 3));
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const p = (b * size + i) * size + j;
        const inside = i >= r0 && i < r0 + h && j >= c0 && j < c0 + w;
        const core = i > r0 && i < r0 + h - 1 && j > c0 && j < c0 + w - 1;
        lab[p] = core ? 2 : inside ? 1 : 0;
        img[p] = 0.4 * lab[p] + 0.2 * u[k++];
      }
    }
  }
  const x = tf.tensor4d(img, [n, size, size, 1]);
  const y = tf.oneHot(tf.tensor1d(lab, 'int32'), 3).reshape([n, size, size, 3]) as tf.Tensor4D;
  return { x, y };
}

test('a small U-Net trains on wasm: loss falls below 0.7x its start, no tensor leak', async () => {
  assert.equal(await setupBackend('wasm'), 'wasm');
  const model = buildUNet({ inputShape: [16, 16, 1], numClasses: 3, depth: 2, baseFilters: 8, seed: 2 });
  const optimizer = tf.train.adam(0.01);
  const { x, y } = rectangles(8, 16, 42);
  const losses: number[] = [];
  const counts: number[] = [];
  for (let step = 0; step < 30; step++) {
    const value = optimizer.minimize(() => loss(model, x, y), true) as tf.Scalar;
    losses.push(value.dataSync()[0]);
    value.dispose();
    counts.push(tf.memory().numTensors);
  }
  // The first step creates Adam's moment variables; from then on the count must not move.
  assert.deepEqual(new Set(counts.slice(1)).size, 1, `tensor counts ${counts.join(',')}`);
  assert.ok(losses.every(Number.isFinite), `losses ${losses.join(',')}`);
  const first = losses[0];
  const last = losses[losses.length - 1];
  assert.ok(first > 0.8, `initial loss ${first} (expected about ln 3 = 1.10)`);
  assert.ok(last < 0.7 * first, `loss went ${first} -> ${last}`);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
});
