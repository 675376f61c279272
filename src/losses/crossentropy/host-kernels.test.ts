/**
 * The single-pass cross-entropy kernels (backend/kernels/crossentropy-map.ts) against hand values and against the tfjs-ops
 * path (crossEntropyMapOps) on the cpu and wasm backends: values and gradients, clipped probabilities,
 * large logits, soft targets; and their input errors.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropy, crossEntropyMapOps, crossEntropyMapTensor } from './tensor.js';
import { CE_MAP_KERNEL } from '../../backend/kernels/crossentropy-map.js';
import { registerSeglossKernels } from '../../backend/kernels/register.js';
import { Random } from '../../synth/random.js';

const EPS = 1e-7;

before(() => {
  registerSeglossKernels();
});

/** Value and gradient (for upstream `dy`) of a map function at `p`. */
function valueAndGrad(
  f: (y: tf.Tensor, p: tf.Tensor, logits: boolean, eps: number) => tf.Tensor,
  y: tf.Tensor,
  p: tf.Tensor,
  dy: tf.Tensor,
  logits: boolean,
): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const map = f(y, p, logits, EPS);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(y, x, logits, EPS), dy)))(p);
    return [map.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}] = ${a[i]}, expected ${b[i]}`);
  }
}

for (const backend of ['cpu', 'wasm']) {
  test(`cross-entropy kernels on ${backend}: hand values`, async () => {
    await tf.setBackend(backend);
    const y = tf.tensor3d([[[0, 1, 0]]]);
    // -log 0.8; d/dp = -1/0.8 on the true class, 0 elsewhere (dy = 2 doubles it).
    const [v, g] = valueAndGrad(
      crossEntropyMapTensor,
      y,
      tf.tensor3d([[[0.1, 0.8, 0.1]]]),
      tf.tensor2d([[2]]),
      false,
    );
    close(v, [-Math.log(0.8)], 1e-6, 'probs value');
    close(g, [0, -2 / 0.8, 0], 1e-6, 'probs gradient');
    // z = [2, 0.5, 1], true class 1: lse(z) - 0.5; dz = softmax(z) - y.
    const z = [2, 0.5, 1];
    const s = z.map(Math.exp).reduce((a, b) => a + b, 0);
    const [lv, lg] = valueAndGrad(crossEntropyMapTensor, y, tf.tensor3d([[z]]), tf.tensor2d([[1]]), true);
    close(lv, [Math.log(s) - 0.5], 1e-6, 'logits value');
    close(lg, [Math.exp(2) / s, Math.exp(0.5) / s - 1, Math.exp(1) / s], 1e-6, 'logits gradient');
    // p = 0 on the true class is clipped: -log eps, and no gradient through the clip.
    const [cv, cg] = valueAndGrad(
      crossEntropyMapTensor,
      y,
      tf.tensor3d([[[1, 0, 0]]]),
      tf.tensor2d([[1]]),
      false,
    );
    close(cv, [-Math.log(EPS)], 1e-6, 'clipped value');
    close(cg, [0, 0, 0], 0, 'clipped gradient');
  });

  test(`cross-entropy kernels on ${backend} agree with the tfjs-ops path (values and gradients)`, async () => {
    await tf.setBackend(backend);
    assert.ok(tf.getKernel(CE_MAP_KERNEL, backend));
    const rng = new Random(7);
    const [n, p, c] = [2, 37, 5];
    const soft = Array.from({ length: n * p * c }, () => rng.uniform());
    const probs = Array.from({ length: n * p * c }, () => {
      const u = rng.uniform();
      return u < 0.05 ? 0 : u > 0.95 ? 1 : u; // some values outside the clip
    });
    const logits = Array.from({ length: n * p * c }, () => 60 * (rng.uniform() - 0.5)); // large: needs the max shift
    const dy = tf.tensor2d(
      Array.from({ length: n * p }, () => rng.uniform() - 0.5),
      [n, p],
    );
    const y = tf.tensor3d(soft, [n, p, c]);
    for (const [name, x, isLogits] of [
      ['probs', tf.tensor3d(probs, [n, p, c]), false],
      ['logits', tf.tensor3d(logits, [n, p, c]), true],
    ] as const) {
      const [kv, kg] = valueAndGrad(crossEntropyMapTensor, y, x, dy, isLogits);
      const [ov, og] = valueAndGrad(crossEntropyMapOps, y, x, dy, isLogits);
      close(kv, ov, 1e-5, `${name} value`);
      close(kg, og, 1e-5, `${name} gradient`);
    }
  });

  test(`cross-entropy kernel on ${backend}: the gradient output only when asked, with hand values`, async () => {
    await tf.setBackend(backend);
    const y = tf.tensor2d([[0, 1, 0]]);
    const p = tf.tensor2d([[0.1, 0.8, 0.1]]);
    const run = (withGradient: boolean) =>
      tf
        .engine()
        .runKernel(CE_MAP_KERNEL, { y, p }, { fromLogits: false, epsilon: EPS, withGradient }) as tf.Tensor[];
    const plain = run(false);
    assert.equal(plain.length, 1);
    const [map, g] = run(true);
    close(map.dataSync(), [-Math.log(0.8)], 1e-6, 'map');
    assert.deepEqual(g.shape, [1, 3]);
    close(g.dataSync(), [0, -1 / 0.8, 0], 1e-6, 'g = -y / p');
    // Logits z = [0, 0, ln 2]: softmax [1/4, 1/4, 1/2]; soft y = [0.5, 0.5, 0] sums to 1: g = s - y.
    const [, gz] = tf
      .engine()
      .runKernel(
        CE_MAP_KERNEL,
        { y: tf.tensor2d([[0.5, 0.5, 0]]), p: tf.tensor2d([[0, 0, Math.log(2)]]) },
        { fromLogits: true, epsilon: EPS, withGradient: true },
      ) as tf.Tensor[];
    close(gz.dataSync(), [-0.25, -0.25, 0.5], 1e-6, 'g = softmax - y');
  });

  test(`cross-entropy kernels on ${backend}: bad inputs name the kernel`, async () => {
    await tf.setBackend(backend);
    // The input checks before the kernel (one-pass value summary; in place on wasm).
    const y1 = tf.tensor3d([[[0, 1, 0, 0, 1]]]);
    for (const bad of [Number.NaN, Infinity]) {
      assert.throws(
        () => crossEntropy(y1, tf.tensor3d([[[0.2, 0.2, 0.2, 0.2, bad]]])),
        /segloss: crossentropy: yPred contains NaN or Inf; expected finite numbers/,
      );
    }
    assert.throws(
      () => crossEntropy(y1, tf.tensor3d([[[0.2, 0.2, 0.2, 0.2, 1.5]]])),
      /yPred has values in \[0.2, 1.5\]; expected values in \[0, 1\]/,
    );
    const a = tf.zeros([1, 2, 3]);
    const b = tf.zeros([1, 3, 2]);
    assert.throws(
      () => tf.engine().runKernel(CE_MAP_KERNEL, { y: a, p: b }, { fromLogits: false, epsilon: EPS }),
      /segloss: SeglossCrossEntropy: y has shape \[1,2,3\] and p \[1,3,2\]; expected equal shapes/,
    );
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            CE_MAP_KERNEL,
            { y: tf.zeros([1, 2, 3], 'int32'), p: a },
            { fromLogits: false, epsilon: EPS },
          ),
      /segloss: SeglossCrossEntropy: y \(shape \[1,2,3\]\) has dtype int32; expected float32/,
    );
  });
}
