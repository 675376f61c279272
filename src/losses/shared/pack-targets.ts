import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { ndarray, type NdArray } from '../../core/ndarray.js';
import { checkRange, checkShape } from '../../core/validate.js';
import { asNdArray, type ArrayInput } from '../../core/tensor-input.js';
import { getLoss, type LossOptions } from '../registry.js';

const WHERE = 'packTargets';

/**
 * Packs per-image annotated-class masks into the targets, so that `model.fit` (which hands a loss only
 * `(yTrue, yPred)`) can train a partial-label loss with explicit masks.
 *
 * Layout: the packed targets have the labels' own shape (`[N, H, W, C]` or `[N, P, C]`, so tfjs' check
 * that targets match the model output passes) and, per element,
 *   `packed[n, ..., c] = y[n, ..., c]`       if image n annotates class c (`A[n, c] = 1`),
 *   `packed[n, ..., c] = -1 - y[n, ..., c]`  otherwise (values in `[-2, -1]`).
 * The mask is thus broadcast to every pixel (crops and flips keep it) and the labels survive unchanged
 * ({@link unpackTargets} inverts it exactly). With `keepBackground` (multiclass outputs, the default)
 * background (class 0) always counts as annotated; multi-label and binary targets pass `false`, so
 * channel 0 follows the mask like any class.
 *
 * Shapes: `labels` `[N, H, W, C]` or `[N, P, C]` with values in `[0, 1]`; `annotated` `[N, C]`, 0 or 1.
 *
 * @example
 * ```ts
 * packTargetsArray(ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]), ndarray([1, 1, 0], [1, 3])).data;
 * // [1, 0, -1, 0, 1, -1]
 * ```
 */
export function packTargetsArray(labels: NdArray, annotated: NdArray, keepBackground = true): NdArray {
  const { shape } = labels;
  if (shape.length !== 3 && shape.length !== 4) {
    fail(WHERE, `labels has shape ${formatShape(shape)}; expected [N,H,W,C] or [N,P,C]`);
  }
  const n = shape[0];
  const c = shape[shape.length - 1];
  checkShape(WHERE, 'annotated', annotated.shape, [n, c]);
  checkRange(WHERE, 'labels', labels.data, 0, 1);
  for (let i = 0; i < annotated.data.length; i++) {
    const v = annotated.data[i];
    if (v !== 0 && v !== 1) fail(WHERE, `annotated has ${v} at flat index ${i}; expected 0 or 1`);
  }
  const perImage = labels.data.length / Math.max(n, 1);
  const out = new Float32Array(labels.data.length);
  for (let j = 0; j < out.length; j++) {
    const k = j % c;
    const img = Math.floor(j / perImage);
    const known = (keepBackground && k === 0) || annotated.data[img * c + k] === 1;
    out[j] = known ? labels.data[j] : -1 - labels.data[j];
  }
  return ndarray(out, shape);
}

/** {@link packTargetsArray} for tensors or arrays, returning a float32 tensor (the `model.fit` target). */
export function packTargets(labels: ArrayInput, annotated: ArrayInput, keepBackground = true): tf.Tensor {
  const packed = packTargetsArray(asNdArray(labels), asNdArray(annotated), keepBackground);
  return tf.tensor(packed.data, [...packed.shape], 'float32');
}

/**
 * Inverts {@link packTargets}: `labels = packed >= 0 ? packed : -1 - packed`, and
 * `annotated[n, c] = 1` when no pixel of image n has a negative entry in channel c. Differentiable-free
 * (targets carry no gradient); call it inside `tf.tidy`.
 *
 * Shapes: `packed` `[N, H, W, C]` or `[N, P, C]` with `C = c`; returns labels of the same shape and
 * `annotated` `[N, C]`.
 */
export function unpackTargets(packed: tf.Tensor, c: number): { labels: tf.Tensor; annotated: tf.Tensor2D } {
  const shape = packed.shape;
  if ((shape.length !== 3 && shape.length !== 4) || shape[shape.length - 1] !== c) {
    fail(
      'unpackTargets',
      `packed targets have shape ${formatShape(shape)}; expected [N,H,W,${c}] or [N,P,${c}]`,
    );
  }
  return tf.tidy(() => {
    const x = tf.cast(packed, 'float32');
    const known = tf.greaterEqual(x, 0);
    const labels = tf.where(known, x, tf.sub(-1, x));
    const flat = tf.reshape(x, [shape[0], -1, c]);
    const annotated = tf.cast(tf.greaterEqual(tf.min(flat, 1), 0), 'float32') as tf.Tensor2D;
    return { labels, annotated };
  });
}

/**
 * A Keras-style `(yTrue, yPred) => scalar` loss over packed targets (see {@link packTargets}): it
 * unpacks the labels and the per-image mask and calls the registered loss `name` with
 * `{...options, annotated}`. Only losses with an `annotated` option qualify (e.g.
 * `'marginal-crossentropy'`, `'focal'`, `'missing-aware-crossentropy'`).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: packedLoss('marginal-crossentropy', { fromLogits: true }) });
 * await model.fit(x, packTargets(labels, annotated), { epochs: 5 });
 * ```
 */
export function packedLoss(
  name: string,
  options: LossOptions = {},
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const loss = getLoss(name);
  const valid = Object.keys(loss.defaults);
  if (!loss.takesAnnotated) {
    fail('packedLoss', `loss '${name}' has no 'annotated' option; packed targets need a partial-label loss`);
  }
  for (const key of Object.keys(options)) {
    if (key === 'annotated')
      fail('packedLoss', `option 'annotated' comes from the packed targets; leave it out`);
    if (!valid.includes(key)) fail(name, `unknown option '${key}'; valid options are ${valid.join(', ')}`);
  }
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const { labels, annotated } = unpackTargets(yTrue, yPred.shape[yPred.shape.length - 1]);
      return loss.tensor(labels, yPred, { ...options, annotated });
    });
  Object.defineProperty(fn, 'name', { value: `packed-${name}` });
  return fn;
}
