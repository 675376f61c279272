import * as tf from '@tensorflow/tfjs';
import type { NdArray } from '../../core/ndarray.js';
import {
  checkChoice,
  checkFinite,
  checkNumber,
  checkPair,
  checkRange,
  type PairLayout,
} from '../../core/validate.js';
import { REDUCTIONS } from '../../core/reduction.js';
import { asNdArray, asTensor, flattenPixelMask, type ArrayInput } from '../../core/tensor-input.js';
import { checkTensorValues } from '../../backend/value-check.js';
import type { CommonLossOptions } from './options.js';

/** Validated reference inputs: the layout and, when an ignore mask is given, the valid-pixel weights `[N*P]`. */
export interface ReferenceInputs {
  readonly layout: PairLayout;
  readonly valid: Float32Array | undefined;
}

/**
 * Validates a reference loss call: shapes (rank 3 or 4, equal, C >= 2), values (finite; yTrue in [0, 1];
 * yPred in [0, 1] unless `fromLogits`), the common options, and the ignore mask. Returns the layout and the
 * valid-pixel weights `1 - ignoreMask`.
 */
export function prepareReference(
  where: string,
  yTrue: NdArray,
  yPred: NdArray,
  options: CommonLossOptions,
): ReferenceInputs {
  const layout = checkPair(where, yTrue.shape, yPred.shape);
  checkCommonOptions(where, options);
  checkRange(where, 'yTrue', yTrue.data, 0, 1);
  if (options.fromLogits) checkFinite(where, 'yPred', yPred.data);
  else checkRange(where, 'yPred', yPred.data, 0, 1);
  return { layout, valid: validWeightsReference(where, options.ignoreMask, layout) };
}

/** Checks `reduction` and `epsilon` (the options every loss has). */
export function checkCommonOptions(where: string, options: CommonLossOptions): void {
  checkChoice(where, 'reduction', options.reduction, REDUCTIONS);
  checkNumber(where, 'epsilon', options.epsilon, 0, 0.5);
}

function validWeightsReference(
  where: string,
  ignoreMask: ArrayInput | null,
  layout: PairLayout,
): Float32Array | undefined {
  if (ignoreMask === null) return undefined;
  const mask = asNdArray(ignoreMask);
  flattenPixelMask(where, 'ignoreMask', mask.shape, layout.mapShape);
  checkRange(where, 'ignoreMask', mask.data, 0, 1);
  const valid = new Float32Array(mask.data.length);
  for (let i = 0; i < valid.length; i++) valid[i] = 1 - mask.data[i];
  return valid;
}

/** Validated tensor inputs: `[N, P, C]` views of both arrays and the valid-pixel weights `[N, P]`, if any. */
export interface TensorInputs {
  readonly layout: PairLayout;
  readonly y3: tf.Tensor3D;
  readonly p3: tf.Tensor3D;
  readonly valid: tf.Tensor2D | undefined;
}

/**
 * The tensor twin of {@link prepareReference}: the same checks (values with one small download), then
 * `[N, P, C]` reshapes. Call it inside `tf.tidy`.
 */
export function prepareTensor(
  where: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CommonLossOptions,
): TensorInputs {
  const layout = checkPair(where, yTrue.shape, yPred.shape);
  checkCommonOptions(where, options);
  checkTensorValues(where, 'yTrue', yTrue, [0, 1]);
  checkTensorValues(where, 'yPred', yPred, options.fromLogits ? undefined : [0, 1]);
  const shape3: [number, number, number] = [layout.n, layout.p, layout.c];
  const y3 = tf.reshape(tf.cast(yTrue, 'float32'), shape3) as tf.Tensor3D;
  const p3 = tf.reshape(tf.cast(yPred, 'float32'), shape3) as tf.Tensor3D;
  let valid: tf.Tensor2D | undefined;
  if (options.ignoreMask !== null) {
    const mask = asTensor(options.ignoreMask);
    const [n, p] = flattenPixelMask(where, 'ignoreMask', mask.shape, layout.mapShape);
    checkTensorValues(where, 'ignoreMask', mask, [0, 1]);
    valid = tf.sub(1, tf.reshape(mask, [n, p])) as tf.Tensor2D;
  }
  return { layout, y3, p3, valid };
}
