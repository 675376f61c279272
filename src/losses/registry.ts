import type * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { crossEntropySpec } from './crossentropy/spec.js';
import { crossEntropyReference } from './crossentropy/reference.js';
import { crossEntropy } from './crossentropy/tensor.js';
import { missingAwareSpec } from './missing-aware/spec.js';
import { missingAwareCrossEntropyReference } from './missing-aware/reference.js';
import { missingAwareCrossEntropy } from './missing-aware/tensor.js';
import { marginalCrossEntropySpec } from './marginal-crossentropy/spec.js';
import { marginalCrossEntropyReference } from './marginal-crossentropy/reference.js';
import { marginalCrossEntropy } from './marginal-crossentropy/tensor.js';
import { focalSpec } from './focal/spec.js';
import { focalReference } from './focal/reference.js';
import { focal } from './focal/tensor.js';
import { diceSpec } from './dice/spec.js';
import { diceReference } from './dice/reference.js';
import { dice } from './dice/tensor.js';
import { jaccardSpec } from './jaccard/spec.js';
import { jaccardReference } from './jaccard/reference.js';
import { jaccard } from './jaccard/tensor.js';
import { tverskySpec } from './tversky/spec.js';
import { tverskyReference } from './tversky/reference.js';
import { tversky } from './tversky/tensor.js';
import { marginalDiceSpec } from './marginal-dice/spec.js';
import { marginalDiceReference } from './marginal-dice/reference.js';
import { marginalDice } from './marginal-dice/tensor.js';
import { exclusionSpec } from './exclusion/spec.js';
import { exclusionReference } from './exclusion/reference.js';
import { exclusionLoss } from './exclusion/tensor.js';
import { diceCrossEntropySpec } from './dice-crossentropy/spec.js';
import { diceCrossEntropyReference } from './dice-crossentropy/reference.js';
import { diceCrossEntropy } from './dice-crossentropy/tensor.js';

/** Options of a registered loss: a plain object whose keys are listed by `defaults`. */
export type LossOptions = Record<string, unknown>;

/**
 * One registered loss: its spec (name, one-line summary, paper, option defaults) and its two
 * implementations with the same signature `(yTrue, yPred, options)`.
 */
export interface LossEntry {
  readonly name: string;
  readonly summary: string;
  readonly paper: string;
  readonly defaults: LossOptions;
  /** Typed-array reference: the definition and the test oracle. */
  reference(yTrue: NdArray, yPred: NdArray, options?: LossOptions): NdArray;
  /** Differentiable tfjs implementation. */
  tensor(yTrue: tf.Tensor, yPred: tf.Tensor, options?: LossOptions): tf.Tensor;
}

interface Spec {
  readonly name: string;
  readonly summary: string;
  readonly paper: string;
  readonly defaults: object;
}

function entry<O>(
  spec: Spec,
  reference: (yTrue: NdArray, yPred: NdArray, options?: Partial<O>) => NdArray,
  tensor: (yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<O>) => tf.Tensor,
): LossEntry {
  return {
    name: spec.name,
    summary: spec.summary,
    paper: spec.paper,
    defaults: spec.defaults as LossOptions,
    reference: reference as LossEntry['reference'],
    tensor: tensor as LossEntry['tensor'],
  };
}

const ENTRIES: readonly LossEntry[] = [
  entry(crossEntropySpec, crossEntropyReference, crossEntropy),
  entry(missingAwareSpec, missingAwareCrossEntropyReference, missingAwareCrossEntropy),
  entry(marginalCrossEntropySpec, marginalCrossEntropyReference, marginalCrossEntropy),
  entry(focalSpec, focalReference, focal),
  entry(diceSpec, diceReference, dice),
  entry(jaccardSpec, jaccardReference, jaccard),
  entry(tverskySpec, tverskyReference, tversky),
  entry(marginalDiceSpec, marginalDiceReference, marginalDice),
  entry(exclusionSpec, exclusionReference, exclusionLoss),
  entry(diceCrossEntropySpec, diceCrossEntropyReference, diceCrossEntropy),
];

const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e]));

/**
 * The one loss registry: looks a loss up by name.
 *
 * @example
 * ```ts
 * getLoss('crossentropy').reference(yTrue, yPred, { reduction: 'sum' });
 * ```
 */
export function getLoss(name: string): LossEntry {
  const found = BY_NAME.get(name);
  if (found === undefined) {
    fail('getLoss', `unknown loss '${name}'; valid losses are ${[...BY_NAME.keys()].join(', ')}`);
  }
  return found;
}

/** Every registered loss, in registration order. */
export function listLosses(): readonly LossEntry[] {
  return ENTRIES;
}

/**
 * A Keras-style `(yTrue, yPred) => scalar` closure over a registered loss and fixed options, for
 * `model.compile({loss: lossFunction('missing-aware-crossentropy', {fromLogits: true})})`.
 * Options are checked once here, so a typo fails before training starts.
 */
export function lossFunction(
  name: string,
  options: LossOptions = {},
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const loss = getLoss(name);
  const valid = Object.keys(loss.defaults);
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) fail(name, `unknown option '${key}'; valid options are ${valid.join(', ')}`);
  }
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => loss.tensor(yTrue, yPred, options);
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
