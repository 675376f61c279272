import type * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { resolveOptions } from '../core/validate.js';
import type { LossSpec } from './shared/spec.js';
import type { MeanParts } from './shared/pixel-loss.js';
import * as crossentropy from './crossentropy/index.js';
import * as missingAware from './missing-aware/index.js';
import * as marginalCrossEntropy from './marginal-crossentropy/index.js';
import * as focal from './focal/index.js';
import * as dice from './dice/index.js';
import * as jaccard from './jaccard/index.js';
import * as tversky from './tversky/index.js';
import * as marginalDice from './marginal-dice/index.js';
import * as exclusion from './exclusion/index.js';
import * as diceCrossEntropy from './dice-crossentropy/index.js';
import * as binaryCrossEntropy from './binary-crossentropy/index.js';
import * as multilabelPartial from './multilabel-partial/index.js';

/** Options of a registered loss: a plain object whose keys are listed by `defaults`. */
export type LossOptions = Record<string, unknown>;

/**
 * One registered loss: its spec (name, one-line summary, paper, option defaults, what it takes from the
 * data, its option checks) and its two implementations with the same signature `(yTrue, yPred, options)`.
 */
export interface LossEntry {
  readonly name: string;
  readonly summary: string;
  readonly paper: string;
  readonly defaults: LossOptions;
  /** The loss has an `annotated` option: callers pass the batch's per-image annotated classes. */
  readonly takesAnnotated: boolean;
  /** The loss has an `ignoreMask` option: callers pass the batch's per-pixel ignore mask. */
  readonly takesIgnoreMask: boolean;
  /** The fewest channels: 1 where one-channel binary outputs are taken, else 2. */
  readonly minClasses: 1 | 2;
  /** Checks resolved option values (`classes` = C when known); see {@link LossSpec.check}. */
  check(options: LossOptions, classes?: number): void;
  /** Typed-array reference: the definition and the test oracle. */
  reference(yTrue: NdArray, yPred: NdArray, options?: LossOptions): NdArray;
  /** Differentiable tfjs implementation. */
  tensor(yTrue: tf.Tensor, yPred: tf.Tensor, options?: LossOptions): tf.Tensor;
  /**
   * Per-pixel losses only: the numerator and denominator of the `'mean'` reduction in one pass,
   * `mean = sum / denominator` (`sum` = the loss under `reduction: 'sum'`; the denominator does not
   * depend on the prediction), so that a loss over a batch split into shards is
   * `sum_k sum_k / sum_k denominator_k` (the data-parallel step's path; see `pixelLossMeanParts`).
   * Absent for the region losses, whose pooled statistics do not split.
   */
  readonly meanParts?: (yTrue: tf.Tensor, yPred: tf.Tensor, options?: LossOptions) => MeanParts;
}

/** A loss folder's exports. */
interface LossModule<O extends object> {
  readonly spec: LossSpec<O>;
  reference(yTrue: NdArray, yPred: NdArray, options?: Partial<O>): NdArray;
  tensor(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<O>): tf.Tensor;
  meanParts?(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<O>): MeanParts;
}

function entry<O extends object>(module: LossModule<O>): LossEntry {
  const { spec } = module;
  return {
    name: spec.name,
    summary: spec.summary,
    paper: spec.paper,
    defaults: spec.defaults as LossOptions,
    takesAnnotated: spec.takesAnnotated,
    takesIgnoreMask: spec.takesIgnoreMask,
    minClasses: spec.minClasses,
    check: (options, classes) => spec.check(options as O, classes),
    reference: module.reference as LossEntry['reference'],
    tensor: module.tensor as LossEntry['tensor'],
    meanParts: module.meanParts as LossEntry['meanParts'],
  };
}

const ENTRIES: readonly LossEntry[] = [
  entry(crossentropy),
  entry(missingAware),
  entry(marginalCrossEntropy),
  entry(focal),
  entry(dice),
  entry(jaccard),
  entry(tversky),
  entry(marginalDice),
  entry(exclusion),
  entry(diceCrossEntropy),
  entry(binaryCrossEntropy),
  entry(multilabelPartial),
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
 * Checks options against a registered loss without running it: unknown keys, wrong primitive types and
 * bad values (`spec.check`; with `classes`, also the checks that need C, such as the length of
 * `classWeights` or a one-channel contradiction). Returns the resolved options.
 *
 * @example
 * ```ts
 * checkLossOptions('focal', { gamma: -1 }); // throws: segloss: focal: option 'gamma' is -1; expected ...
 * ```
 */
export function checkLossOptions(name: string, options: LossOptions = {}, classes?: number): LossOptions {
  const loss = getLoss(name);
  const resolved = resolveOptions(name, options, loss.defaults);
  if (classes !== undefined && classes < loss.minClasses) {
    fail(name, `the model has ${classes} output channel(s); this loss needs at least ${loss.minClasses}`);
  }
  loss.check(resolved, classes);
  return resolved;
}

/**
 * A Keras-style `(yTrue, yPred) => scalar` closure over a registered loss and fixed options, for
 * `model.compile({loss: lossFunction('missing-aware-crossentropy', {fromLogits: true})})`.
 * Options are checked here ({@link checkLossOptions}: keys, types and values; `classes` = the model's
 * output channels, when given, for the checks that need C), so a bad option fails before training starts.
 */
export function lossFunction(
  name: string,
  options: LossOptions = {},
  classes?: number,
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const loss = getLoss(name);
  checkLossOptions(name, options, classes);
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => loss.tensor(yTrue, yPred, options);
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
