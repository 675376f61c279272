import * as tf from '@tensorflow/tfjs';
import { ndarray, type NdArray } from '../../core/ndarray.js';
import { reduceReference, reduceTensor, type Reduction } from '../../core/reduction.js';
import { resolveOptions, type PairLayout } from '../../core/validate.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import { prepareReference, prepareTensor } from './prepare.js';
import type { LossSpec } from './spec.js';

/** The options every per-pixel loss has. */
export interface PixelLossOptions {
  fromLogits: boolean;
  reduction: Reduction;
  ignoreMask: ArrayInput | null;
}

/** What the body of a per-pixel reference loss sees: resolved, checked options and validated inputs. */
export interface PixelReferenceInputs<O> {
  readonly opts: O;
  readonly layout: PairLayout;
  readonly yTrue: NdArray;
  readonly yPred: NdArray;
}

/**
 * The body's result: the per-pixel map `[N * P]`, and optionally the per-pixel weights `[N * P]` the
 * mean divides by (`sum_i v_i map_i / sum_i v_i d_i`; the valid-pixel count `sum_i v_i` without them).
 */
export interface PixelReferenceResult {
  readonly map: Float32Array;
  readonly denom?: Float32Array;
}

/**
 * The shared prologue and epilogue of the per-pixel reference losses: resolve the options against the
 * spec's defaults, validate shapes, values and the ignore mask, run `spec.check`, call `body` for the
 * map, then zero the ignored pixels (`v_i = 1 - ignoreMask_i`) and reduce:
 *   `none` = `v * map` (shape `[N, H, W]` / `[N, P]`), `sum` = `sum_i v_i map_i`,
 *   `mean` = `sum_i v_i map_i / sum_i v_i d_i` (`d = 1` without `denom`; 0 when the denominator is 0).
 *
 * @example
 * ```ts
 * // a loss whose map is -log p of channel 1:
 * pixelLossReference(spec, yTrue, yPred, options, ({ yPred, layout }) => ({
 *   map: Float32Array.from({ length: layout.n * layout.p }, (_, i) => -Math.log(yPred.data[2 * i + 1])),
 * }));
 * ```
 */
export function pixelLossReference<O extends PixelLossOptions>(
  spec: LossSpec<O>,
  yTrue: NdArray,
  yPred: NdArray,
  options: Partial<O> | undefined,
  body: (inputs: PixelReferenceInputs<O>) => PixelReferenceResult,
): NdArray {
  const where = spec.name;
  const opts = resolveOptions(where, options, spec.defaults);
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts, spec.minClasses);
  spec.check(opts, layout.c);
  const { map, denom } = body({ opts, layout, yTrue, yPred });
  if (valid !== undefined) {
    for (let i = 0; i < valid.length; i++) map[i] *= valid[i];
    if (denom !== undefined) for (let i = 0; i < valid.length; i++) denom[i] *= valid[i];
  }
  return reduceReference(where, ndarray(map, layout.mapShape), opts.reduction, denom ?? valid);
}

/** What the body of a per-pixel tensor loss sees: `[N, P, C]` views of both inputs (float32). */
export interface PixelTensorInputs<O> {
  readonly opts: O;
  readonly layout: PairLayout;
  readonly y3: tf.Tensor3D;
  readonly p3: tf.Tensor3D;
}

/** The tensor body's result: the map `[N, P]` and optionally the mean's per-pixel weights `[N, P]`. */
export interface PixelTensorResult {
  readonly map: tf.Tensor;
  readonly denom?: tf.Tensor;
}

/** The body of a per-pixel tensor loss (see {@link pixelLossTensor}). */
export type PixelTensorBody<O> = (inputs: PixelTensorInputs<O>) => PixelTensorResult;

/** A per-pixel loss' masked map `v_i ℓ_i` and the weights its mean divides by (inside a tidy). */
function pixelLossMaps<O extends PixelLossOptions>(
  spec: LossSpec<O>,
  opts: O,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  body: PixelTensorBody<O>,
): { layout: PairLayout; map: tf.Tensor; weights: tf.Tensor | undefined } {
  const { layout, y3, p3, valid } = prepareTensor(spec.name, yTrue, yPred, opts, spec.minClasses);
  spec.check(opts, layout.c);
  let { map, denom } = body({ opts, layout, y3, p3 });
  if (valid !== undefined) {
    map = tf.mul(map, valid);
    if (denom !== undefined) denom = tf.mul(denom, valid);
  }
  return { layout, map, weights: denom ?? valid };
}

/**
 * The tensor twin of {@link pixelLossReference}: the same prologue (checks with one small download
 * per input), `body` inside `tf.tidy`, then the ignore mask (a multiply, so ignored pixels get exactly
 * zero gradient) and {@link reduceTensor}. The weights are constants.
 */
export function pixelLossTensor<O extends PixelLossOptions>(
  spec: LossSpec<O>,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Partial<O> | undefined,
  body: PixelTensorBody<O>,
): tf.Tensor {
  const where = spec.name;
  const opts = resolveOptions(where, options, spec.defaults);
  return tf.tidy(() => {
    const { layout, map, weights } = pixelLossMaps(spec, opts, yTrue, yPred, body);
    return reduceTensor(where, tf.reshape(map, [...layout.mapShape]), opts.reduction, weights);
  });
}

/** The two parts of a per-pixel loss' mean (see {@link pixelLossMeanParts}). */
export interface MeanParts {
  /** `S = sum_i v_i ℓ_i`: the loss under `reduction: 'sum'` (differentiable in the prediction). */
  readonly sum: tf.Scalar;
  /** `D = sum_i v_i d_i`: what `'mean'` divides by; a constant of the targets and options. */
  readonly denominator: tf.Scalar;
}

/**
 * The numerator and denominator of a per-pixel loss' `'mean'` in one pass, so that `mean = S / D`
 * (0 when `D = 0`) with `S` the loss under `reduction: 'sum'` and `D = sum_i v_i d_i` (`d_i = 1` when
 * the body gives no weights, `v_i = 1 - ignoreMask_i`). `D` does not depend on the prediction (the
 * contract of {@link PixelTensorResult}), so a batch split into shards k has
 * `mean = sum_k S_k / sum_k D_k` whatever the shards' sizes and valid pixels: the data-parallel step
 * computes `S_k`, its gradient and `D_k` in worker k. The `reduction` option is not used.
 *
 * Shapes: as for the loss; both results are scalars.
 *
 * @example
 * ```ts
 * // two pixels, one ignored: S = -log 0.8, D = 1
 * pixelLossMeanParts(crossEntropySpec, tf.tensor3d([[[0, 1], [1, 0]]]), tf.tensor3d([[[0.2, 0.8], [0.5, 0.5]]]),
 *   { ignoreMask: tf.tensor2d([[0, 1]]) }, crossEntropyBody);
 * ```
 */
export function pixelLossMeanParts<O extends PixelLossOptions>(
  spec: LossSpec<O>,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Partial<O> | undefined,
  body: PixelTensorBody<O>,
): MeanParts {
  const opts = resolveOptions(spec.name, options, spec.defaults);
  return tf.tidy(() => {
    const { layout, map, weights } = pixelLossMaps(spec, opts, yTrue, yPred, body);
    const denominator = weights === undefined ? tf.scalar(layout.n * layout.p) : tf.sum(weights);
    return { sum: tf.sum(map) as tf.Scalar, denominator: denominator as tf.Scalar };
  });
}

/**
 * {@link pixelLossMeanParts} of one loss, as the function a loss folder exports (`meanParts` in its
 * index and the registry): `(yTrue, yPred, options) => { sum, denominator }`.
 *
 * @example
 * ```ts
 * export const crossEntropyMeanParts = pixelLossMeanPartsOf(crossEntropySpec, crossEntropyBody);
 * ```
 */
export function pixelLossMeanPartsOf<O extends PixelLossOptions>(
  spec: LossSpec<O>,
  body: PixelTensorBody<O>,
): (yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<O>) => MeanParts {
  return (yTrue, yPred, options) => pixelLossMeanParts(spec, yTrue, yPred, options, body);
}
