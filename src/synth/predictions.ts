import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { checkLabels, checkNumClasses, type LabelMaps } from './labels.js';
import { checkSeed, Random } from './random.js';

/** Options of {@link simulateLogits} and {@link simulatePredictions}. */
export interface SimulateOptions {
  /** Logit margin of the true class, `>= 0`: 0 gives pure noise, about 5 nearly always right. */
  readonly quality: number;
  /** Integer seed of the noise. */
  readonly seed: number;
  /** Standard deviation of the gaussian logit noise, `> 0`. Default 1. */
  readonly noise?: number;
}

function resolve(where: string, labels: LabelMaps, numClasses: number, options: SimulateOptions) {
  checkLabels(where, labels);
  checkNumClasses(where, labels, numClasses);
  const { quality, seed, noise = 1 } = options ?? ({} as SimulateOptions);
  if (!(Number.isFinite(quality) && quality >= 0))
    fail(where, `option 'quality' is ${quality}; expected a number >= 0`);
  if (!(Number.isFinite(noise) && noise > 0))
    fail(where, `option 'noise' is ${noise}; expected a number > 0`);
  checkSeed(where, seed);
  return { quality, seed, noise };
}

/**
 * Simulated network logits near the truth: `z[i, y, x, k] = quality * [k = label(i, y, x)] + noise * e`
 * with `e ~ N(0, 1)` independent per element, drawn by `Random(seed).normal()` in row-major
 * `[N, H, W, C]` order.
 *
 * @param labels - `[N, H, W]` true classes
 * @param numClasses - `C`
 * @returns NdArray `[N, H, W, C]` float32
 */
export function simulateLogits(labels: LabelMaps, numClasses: number, options: SimulateOptions): NdArray {
  const { quality, seed, noise } = resolve('simulateLogits', labels, numClasses, options);
  const rng = new Random(seed);
  const out = new Float32Array(labels.data.length * numClasses);
  for (let p = 0; p < labels.data.length; p++) {
    for (let k = 0; k < numClasses; k++) {
      out[p * numClasses + k] = (k === labels.data[p] ? quality : 0) + noise * rng.normal();
    }
  }
  const [n, h, w] = labels.shape;
  return { data: out, shape: [n, h, w, numClasses] };
}

/**
 * Simulated class probabilities: the softmax over classes of {@link simulateLogits} with the same
 * options, `p_k = exp(z_k - max z) / sum_j exp(z_j - max z)`, so every pixel's row sums to 1 (up to
 * float32 rounding). Lets the post's experiment run without a trained model; with `quality` 8 and unit
 * noise the argmax is the true class at virtually every pixel (miss rate about `(C-1) P(Z > 8/sqrt 2)`,
 * under 1e-7 per pixel).
 *
 * @returns NdArray `[N, H, W, C]` float32 probabilities
 * @example
 * ```ts
 * const { labels } = postBatch({ n: 4, height: 64, width: 64, seed: 0 });
 * const yPred = simulatePredictions(labels, 4, { quality: 3, seed: 1 });
 * ```
 */
export function simulatePredictions(
  labels: LabelMaps,
  numClasses: number,
  options: SimulateOptions,
): NdArray {
  resolve('simulatePredictions', labels, numClasses, options);
  const z = simulateLogits(labels, numClasses, options);
  const d = z.data;
  for (let base = 0; base < d.length; base += numClasses) {
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) max = Math.max(max, d[base + k]);
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(d[base + k] - max);
    for (let k = 0; k < numClasses; k++) d[base + k] = Math.exp(d[base + k] - max) / sum;
  }
  return z;
}
