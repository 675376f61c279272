import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/setup.js';
import { Adam, adamCoefficients, adamUpdate } from './adam.js';

/** The tfjs-ops Adam step that adamUpdate replaced, op for op (the oracle of its bit-exactness claim). */
function tfAdamStep(
  w: tf.Variable,
  g: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  lr: number,
  t: number,
): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-7];
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
    m.assign(m1);
    v.assign(v1);
    const step = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), eps));
    w.assign(tf.sub(w, tf.mul(step, lr)));
  });
}

/** Gradients spanning 12 decades, with exact zeros and ties, from a fixed LCG. */
function gradients(n: number, step: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Float32Array.from({ length: n }, (_, i) =>
    i % 97 === 0 ? 0 : (next() - 0.5) * 10 ** (-8 + ((i + step) % 13)),
  );
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`adamUpdate equals the tfjs-ops Adam step bit for bit over 30 steps (${backend})`, async () => {
    await setupBackend(backend);
    const n = 4099;
    const w0 = gradients(n, 0, 7);
    const w = Float32Array.from(w0);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const tw = tf.variable(tf.tensor1d(w0));
    const tm = tf.variable(tf.zeros([n]));
    const tv = tf.variable(tf.zeros([n]));
    let differ = 0;
    for (let t = 1; t <= 30; t++) {
      const g = gradients(n, t, 100 + t);
      const lr = 0.002 * (0.5 + 0.5 * Math.cos((Math.PI * t) / 30)); // a cosine schedule's rates
      const tg = tf.tensor1d(g);
      tfAdamStep(tw, tg, tm, tv, lr, t);
      tg.dispose();
      adamUpdate(w, g, m, v, adamCoefficients(lr, 0.9, 0.999, 1e-7, t));
      const [a, b, c] = [tw.dataSync(), tm.dataSync(), tv.dataSync()];
      for (let i = 0; i < n; i++) if (a[i] !== w[i] || b[i] !== m[i] || c[i] !== v[i]) differ++;
    }
    assert.equal(differ, 0, `${differ} of ${30 * n} (weight, m, v) triples differ`);
    assert.notDeepEqual(Array.from(w.subarray(0, 8)), Array.from(w0.subarray(0, 8))); // the weights moved
    tf.dispose([tw, tm, tv]);
  });
}

test('Adam.apply (variables) and Adam.applyArrays (arrays) take the same steps', async () => {
  await setupBackend('cpu');
  const w = tf.variable(tf.tensor2d([0.3, -0.7, 2, 0.01], [2, 2]));
  const arr = Float32Array.from([0.3, -0.7, 2, 0.01]);
  const a = new Adam({ learningRate: 0.01 });
  const b = new Adam({ learningRate: 0.01 });
  for (let i = 1; i <= 5; i++) {
    const g = Float32Array.from([Math.sin(i), -1 / i, 0, i]);
    const gt = tf.tensor2d(g, [2, 2]);
    a.apply(new Map([['w', { variable: w, grad: gt }]]), 0.01 / i);
    b.applyArrays(new Map([['w', { weights: arr, grad: g, shape: [2, 2] }]]), 0.01 / i);
    gt.dispose();
  }
  assert.deepEqual(Array.from(w.dataSync()), Array.from(arr));
  assert.deepEqual(a.state().m.get('w')?.shape, [2, 2]);
  assert.deepEqual(
    Array.from(a.state().v.get('w')?.data ?? []),
    Array.from(b.state().v.get('w')?.data ?? []),
  );
  w.dispose();
});

test('Adam.applyArrays refuses a gradient of another length, naming the weight', () => {
  const adam = new Adam();
  assert.throws(
    () =>
      adam.applyArrays(
        new Map([['conv/kernel', { weights: new Float32Array(3), grad: new Float32Array(2) }]]),
      ),
    /^SeglossError: segloss: Adam\.apply: gradient of 'conv\/kernel' has 2 values; expected 3$/,
  );
  assert.equal(adam.iteration, 0); // nothing applied
});
