/**
 * The shared test harness of every loss: one case table run through both implementations, seeded
 * reference/tensor parity, and finite-difference gradients of the reference against `tf.grad` of the
 * tensor version. Each loss test calls these with its own table and options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray, type NdArray } from '../../src/core/ndarray.js';
import { getLoss, type LossOptions } from '../../src/losses/registry.js';
import { Random } from '../../src/synth/random.js';
import { assertAllClose } from './arrays.js';

export { assertAllClose };

/** One row of a loss's case table: inputs, options, the expected value and where it came from. */
export interface LossCase {
  readonly name: string;
  readonly options?: LossOptions;
  readonly yTrue: NdArray;
  readonly yPred: NdArray;
  /** A scalar for 'mean'/'sum', or the flat map for 'none'. */
  readonly expected: number | readonly number[];
  /** Where the number comes from: a hand derivation, a paper, a peer suite's test. */
  readonly source: string;
  readonly tolerance?: number;
}

/** Seeded uniform draws in [0, 1) (the project's {@link Random}), so test inputs are the same on every run. */
export function rng(seed: number): () => number {
  const r = new Random(seed);
  return () => r.uniform();
}

function tensorOf(a: NdArray): tf.Tensor {
  return tf.tensor(a.data, [...a.shape]);
}

/** Runs every case through the reference and the tensor version of `lossName`. */
export function runCaseTable(lossName: string, cases: readonly LossCase[]): void {
  const loss = getLoss(lossName);
  for (const row of cases) {
    test(`${lossName}: ${row.name} (${row.source})`, () => {
      const tol = row.tolerance ?? 1e-5;
      const expected = typeof row.expected === 'number' ? [row.expected] : row.expected;
      const ref = loss.reference(row.yTrue, row.yPred, row.options);
      assertAllClose(ref.data, expected, tol, 'reference');
      const out = tf.tidy(() =>
        loss.tensor(tensorOf(row.yTrue), tensorOf(row.yPred), row.options).dataSync(),
      );
      assertAllClose(out, expected, tol, 'tensor');
    });
  }
}

/** Random one-hot targets `[N, P, C]` where each image uses only a random subset of the classes. */
export function randomOneHot(seed: number, n: number, p: number, c: number): NdArray {
  const r = rng(seed);
  const data = new Float32Array(n * p * c);
  for (let img = 0; img < n; img++) {
    const allowed = [0, ...Array.from({ length: c - 1 }, (_, k) => k + 1).filter(() => r() < 0.6)];
    for (let i = 0; i < p; i++) data[(img * p + i) * c + allowed[Math.floor(r() * allowed.length)]] = 1;
  }
  return ndarray(data, [n, p, c]);
}

/**
 * Random logits `[N, P, C]` with a clear winner per pixel (margin >= 0.5), and the matching softmax
 * probabilities; a clear winner keeps argmax-based losses smooth under finite differences.
 */
export function randomPredictions(
  seed: number,
  n: number,
  p: number,
  c: number,
): { logits: NdArray; probs: NdArray } {
  const r = rng(seed);
  const logits = new Float32Array(n * p * c);
  const probs = new Float32Array(n * p * c);
  for (let i = 0; i < n * p; i++) {
    const win = Math.floor(r() * c);
    let m = -Infinity;
    for (let k = 0; k < c; k++) {
      logits[i * c + k] = r() * 1.5 + (k === win ? 2 : 0);
      m = Math.max(m, logits[i * c + k]);
    }
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(logits[i * c + k] - m);
    for (let k = 0; k < c; k++) probs[i * c + k] = Math.exp(logits[i * c + k] - m) / s;
  }
  return { logits: ndarray(logits, [n, p, c]), probs: ndarray(probs, [n, p, c]) };
}

/** Seeded random parity of reference and tensor for each options object, on probabilities or logits. */
export function checkRandomParity(lossName: string, optionsList: readonly LossOptions[], seed = 7): void {
  for (const [k, options] of optionsList.entries()) {
    checkRandomParityWith(lossName, `options ${JSON.stringify(options)}`, () => options, seed + 100 * k);
  }
}

/**
 * Finite-difference gradient of the reference (`reduction: 'sum'`, central differences, step `h`)
 * against `tf.grad` of the tensor version, with respect to `yPred`.
 */
export function checkGradient(lossName: string, options: LossOptions, seed = 11, h = 1e-3, tol = 2e-3): void {
  const loss = getLoss(lossName);
  test(`${lossName}: finite-difference gradient, options ${JSON.stringify(options)}`, () => {
    const [n, p, c] = [2, 4, 3];
    const yTrue = randomOneHot(seed, n, p, c);
    const pred = randomPredictions(seed + 1, n, p, c);
    const yPred = options.fromLogits === true ? pred.logits : pred.probs;
    checkGradientAgainstReference(loss, yTrue, yPred, options, h, tol, 0.1);
  });
}

/**
 * Seeded random parity like {@link checkRandomParity}, for options that depend on the input size (class
 * weights of length C, `[N, C]` annotated masks): `makeOptions(n, c)` builds the options of each trial.
 */
export function checkRandomParityWith(
  lossName: string,
  label: string,
  makeOptions: (n: number, c: number) => LossOptions,
  seed = 17,
): void {
  const loss = getLoss(lossName);
  test(`${lossName}: reference = tensor on random inputs, ${label}`, () => {
    for (let trial = 0; trial < 3; trial++) {
      const s = seed + trial;
      const [n, p, c] = [2 + trial, 5 + 3 * trial, 3 + trial];
      const options = makeOptions(n, c);
      const yTrue = randomOneHot(s, n, p, c);
      const pred = randomPredictions(s + 1, n, p, c);
      const yPred = options.fromLogits === true ? pred.logits : pred.probs;
      const ref = loss.reference(yTrue, yPred, options);
      const out = tf.tidy(() => loss.tensor(tensorOf(yTrue), tensorOf(yPred), options).dataSync());
      assertAllClose(out, ref.data, 1e-5, `trial ${trial}`);
    }
  });
}

/**
 * The ignore-mask contract on random inputs: with every third pixel ignored, the tensor version's
 * gradient is exactly zero on every ignored pixel (and not on all valid ones), and the masked 'sum'
 * equals the unmasked map summed over the valid pixels only (reference and tensor).
 */
export function checkIgnoreContract(lossName: string, options: LossOptions, seed = 23): void {
  const loss = getLoss(lossName);
  test(`${lossName}: ignored pixels add nothing and get exactly zero gradient, ${JSON.stringify(options)}`, () => {
    const [n, p, c] = [2, 6, 3];
    const yTrue = randomOneHot(seed, n, p, c);
    const pred = randomPredictions(seed + 1, n, p, c);
    const yPred = options.fromLogits === true ? pred.logits : pred.probs;
    const ignore = new Float32Array(n * p).map((_, i) => (i % 3 === 1 ? 1 : 0));
    const ignoreMask = ndarray(ignore, [n, p]);
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => loss.tensor(tensorOf(yTrue), x, { ...options, ignoreMask }))(tensorOf(yPred))
        .dataSync(),
    );
    let validNonZero = 0;
    for (let i = 0; i < n * p; i++) {
      for (let k = 0; k < c; k++) {
        const g = grad[i * c + k];
        if (ignore[i] === 1) assert.ok(g === 0, `pixel ${i} is ignored but its gradient is ${g}`);
        else if (g !== 0) validNonZero++;
      }
    }
    assert.ok(validNonZero > 0, 'valid pixels have some gradient');
    const map = loss.reference(yTrue, yPred, { ...options, reduction: 'none' }).data;
    let expected = 0;
    for (let i = 0; i < n * p; i++) if (ignore[i] === 0) expected += map[i];
    const sumRef = loss.reference(yTrue, yPred, { ...options, ignoreMask, reduction: 'sum' }).data[0];
    assertAllClose([sumRef], [expected], 1e-5, 'reference sum over valid pixels');
    const sumTensor = tf.tidy(
      () =>
        loss
          .tensor(tensorOf(yTrue), tensorOf(yPred), { ...options, ignoreMask, reduction: 'sum' })
          .dataSync()[0],
    );
    assertAllClose([sumTensor], [expected], 1e-5, 'tensor sum over valid pixels');
  });
}

/**
 * The ignore-mask contract of any loss, on seeded random inputs with a random per-pixel `ignoreMask`:
 * the reference equals the tensor version, changing `yPred` at ignored pixels changes nothing, and
 * `tf.grad` is exactly zero there (and not zero everywhere else).
 */
export function checkIgnoredPixels(lossName: string, options: LossOptions, seed = 23): void {
  const loss = getLoss(lossName);
  test(`${lossName}: ignored pixels change nothing and get exactly zero gradient, options ${JSON.stringify(options)}`, () => {
    const [n, p, c] = [2, 6, 3];
    const r = rng(seed);
    const yTrue = randomOneHot(seed, n, p, c);
    const pred = randomPredictions(seed + 1, n, p, c);
    const yPred = options.fromLogits === true ? pred.logits : pred.probs;
    const mask = ndarray(
      Array.from({ length: n * p }, (_, i) => (i % p === 0 ? 1 : r() < 0.3 ? 1 : 0)),
      [n, p],
    );
    const opts = { ...options, ignoreMask: mask };
    const ref = loss.reference(yTrue, yPred, opts).data;
    const out = tf.tidy(() => loss.tensor(tensorOf(yTrue), tensorOf(yPred), opts).dataSync());
    assertAllClose(out, ref, 1e-5, 'reference = tensor');
    const other = randomPredictions(seed + 2, n, p, c);
    const otherPred = options.fromLogits === true ? other.logits : other.probs;
    const mixed = Float32Array.from(yPred.data);
    for (let i = 0; i < n * p; i++) {
      if (mask.data[i] === 1) for (let k = 0; k < c; k++) mixed[i * c + k] = otherPred.data[i * c + k];
    }
    assertAllClose(loss.reference(yTrue, ndarray(mixed, yPred.shape), opts).data, ref, 1e-6, 'invariance');
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => loss.tensor(tensorOf(yTrue), x, { ...opts, reduction: 'sum' }))(
          tensorOf(yPred),
        )
        .dataSync(),
    );
    for (let i = 0; i < n * p; i++) {
      for (let k = 0; k < c; k++) {
        if (mask.data[i] === 1) assert.equal(Math.abs(grad[i * c + k]), 0, `gradient at ignored pixel ${i}`);
      }
    }
    assert.ok(
      grad.some((v) => Math.abs(v) > 1e-3),
      'valid pixels still get a gradient',
    );
  });
}

/**
 * Fits a one-layer softmax model with zero weights (so every prediction starts at p = 1/2) to two
 * one-hot pixels with `loss` through `model.compile` / `model.fit` (SGD 0.5, 5 epochs); returns the
 * per-epoch losses for the caller's hand-derived first value.
 */
export async function fitTwoPixelModel(
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2, 3], units: 2, activation: 'softmax', kernelInitializer: 'zeros' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss });
  const x = tf.tensor3d([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const y = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  return history.history.loss as number[];
}

/** Random multi-hot targets `[N, P, C]` (each entry 1 with probability 0.4; classes may overlap). */
export function randomMultiHot(seed: number, n: number, p: number, c: number): NdArray {
  const r = rng(seed);
  return ndarray(
    Array.from({ length: n * p * c }, () => (r() < 0.4 ? 1 : 0)),
    [n, p, c],
  );
}

/**
 * Sigmoid-output checks of a loss on multi-hot targets with `c` channels (1 = binary): seeded
 * reference/tensor parity on logits (or probabilities `sigmoid(z)`), and the finite-difference gradient
 * of the reference (`reduction: 'sum'`) against `tf.grad` of the tensor version. Logits are drawn in
 * `[-3, 3]`.
 */
export function checkSigmoidOutputs(
  lossName: string,
  c: number,
  options: LossOptions,
  seed = 31,
  h = 1e-3,
  tol = 2e-3,
): void {
  const loss = getLoss(lossName);
  test(`${lossName}: ${c} sigmoid channel(s), parity and finite-difference gradient, ${JSON.stringify(options)}`, () => {
    const [n, p] = [3, 5];
    const yTrue = randomMultiHot(seed, n, p, c);
    const r = rng(seed + 1);
    const z = Float32Array.from({ length: n * p * c }, () => 6 * r() - 3);
    const yPred =
      options.fromLogits === true
        ? ndarray(z, [n, p, c])
        : ndarray(
            z.map((v) => 1 / (1 + Math.exp(-v))),
            [n, p, c],
          );
    const ref = loss.reference(yTrue, yPred, options);
    const out = tf.tidy(() => loss.tensor(tensorOf(yTrue), tensorOf(yPred), options).dataSync());
    assertAllClose(out, ref.data, 1e-5, 'reference = tensor');
    checkGradientAgainstReference(loss, yTrue, yPred, options, h, tol, 0.05);
  });
}

/**
 * Asserts that `tf.grad` of the tensor loss (reduction 'sum') equals the central finite difference of
 * the reference, `(f(x + h) - f(x - h)) / 2h` per input, within `tol`, and that some entry exceeds
 * `minAbs` (so a zero gradient cannot pass).
 */
function checkGradientAgainstReference(
  loss: ReturnType<typeof getLoss>,
  yTrue: NdArray,
  yPred: NdArray,
  options: LossOptions,
  h: number,
  tol: number,
  minAbs: number,
): void {
  const opts = { ...options, reduction: 'sum' };
  const grad = tf.tidy(() =>
    tf
      .grad((x: tf.Tensor) => loss.tensor(tensorOf(yTrue), x, opts))(tensorOf(yPred))
      .dataSync(),
  );
  const fd = new Float64Array(yPred.data.length);
  for (let i = 0; i < fd.length; i++) {
    const plus = Float32Array.from(yPred.data);
    const minus = Float32Array.from(yPred.data);
    plus[i] += h;
    minus[i] -= h;
    const fPlus = loss.reference(yTrue, ndarray(plus, yPred.shape), opts).data[0];
    const fMinus = loss.reference(yTrue, ndarray(minus, yPred.shape), opts).data[0];
    fd[i] = (fPlus - fMinus) / (2 * h);
  }
  assertAllClose(grad, fd, tol, 'gradient');
  assert.ok(
    fd.some((v) => Math.abs(v) > minAbs),
    'the gradient is not trivially zero',
  );
}
