import { fail } from '../../core/errors.js';
import { checkChoice, checkNumber } from '../../core/validate.js';
import { REDUCTIONS, type Reduction } from '../../core/reduction.js';

/**
 * What a loss is, independent of how it is computed: its name, summary, paper, option defaults, what
 * it takes from the data, and the checks of its option values. The reference and the tensor version
 * of a loss both call `check`, and so does {@link lossFunction} before any training starts, so a bad
 * option value fails before anything is written.
 */
export interface LossSpec<O extends object = object> {
  readonly name: string;
  readonly summary: string;
  readonly paper: string;
  readonly defaults: O;
  /** The loss has an `annotated` option (per-image annotated classes). */
  readonly takesAnnotated: boolean;
  /** The loss has an `ignoreMask` option (per-pixel ignore mask). */
  readonly takesIgnoreMask: boolean;
  /** The fewest channels `yPred` may have: 1 for losses that take one-channel binary outputs, else 2. */
  readonly minClasses: 1 | 2;
  /**
   * Checks the option values of resolved options (`resolveOptions` already rejected unknown keys and
   * wrong primitive types). `classes` is C when known; checks that need it (the length of
   * `classWeights`, one-channel contradictions) are skipped without it.
   *
   * @throws SeglossError `segloss: <name>: option '<key>' ...; expected ...`
   */
  check(options: O, classes?: number): void;
}

/**
 * What the channels mean, named as segmentation_models_pytorch names it (`smp.losses` `mode`):
 * `'multiclass'`: one class per pixel (softmax), channel 0 = background; `'multilabel'`: C independent
 * classes (sigmoid each), targets multi-hot, classes may overlap, channel 0 is an ordinary class;
 * `'binary'`: one channel, foreground probability (sigmoid).
 */
export type Mode = 'multiclass' | 'multilabel' | 'binary';

/** The valid modes, in the order the docs list them. */
export const MODES: readonly Mode[] = ['multiclass', 'multilabel', 'binary'];

/**
 * Resolves `mode` (null = infer) against the channel count: one channel is `'binary'`, more is
 * `'multiclass'` unless `'multilabel'` is asked for. Refuses contradictions: `'binary'` with C > 1,
 * `'multiclass'` or `'multilabel'` with C = 1 (one channel is binary).
 *
 * @example
 * ```ts
 * resolveMode('dice', null, 1); // 'binary'
 * resolveMode('dice', null, 3); // 'multiclass'
 * resolveMode('dice', 'binary', 3); // throws: option 'mode' is 'binary' but yPred has 3 channels; ...
 * ```
 */
export function resolveMode(where: string, mode: Mode | null, classes: number): Mode {
  if (mode !== null) checkChoice(where, 'mode', mode, MODES);
  if (classes === 1) {
    if (mode !== null && mode !== 'binary') {
      fail(where, `option 'mode' is '${mode}' but yPred has 1 channel; expected mode 'binary' (or null)`);
    }
    return 'binary';
  }
  if (mode === 'binary') {
    fail(where, `option 'mode' is 'binary' but yPred has ${classes} channels; expected 1 channel`);
  }
  return mode ?? 'multiclass';
}

/** Checks `reduction` against the three reductions. */
export function checkReduction(where: string, reduction: Reduction): void {
  checkChoice(where, 'reduction', reduction, REDUCTIONS);
}

/** Checks `epsilon`, the probability clip of the losses that take a log of probabilities: `[0, 0.5]`. */
export function checkEpsilon(where: string, epsilon: number): void {
  checkNumber(where, 'epsilon', epsilon, 0, 0.5);
}

/** Checks an `annotated` option's form: null (where allowed), `'infer'`, or an array (shape checked later). */
export function checkAnnotatedForm(where: string, annotated: unknown, nullable: boolean): void {
  if (annotated === null && nullable) return;
  if (annotated === 'infer') return;
  if (annotated !== null && typeof annotated === 'object') return;
  const shown = typeof annotated === 'string' ? `'${annotated}'` : JSON.stringify(annotated);
  fail(
    where,
    `option 'annotated' is ${shown}; expected 'infer'${nullable ? ', null' : ''} or an [N, C] mask`,
  );
}

/**
 * Checks a `classWeights` option: `null` (no weighting) or an array of finite numbers `>= 0`, of
 * length `classes` when C is known.
 *
 * @example
 * ```ts
 * checkClassWeights('crossentropy', [1, 2, 2], 3); // ok
 * checkClassWeights('crossentropy', [1, 2], 3);    // throws: ... has 2 entries; expected 3 (one per class)
 * ```
 */
export function checkClassWeights(where: string, weights: unknown, classes?: number): void {
  if (weights === null) return;
  if (!Array.isArray(weights)) {
    fail(where, `option 'classWeights' must be null or an array of numbers, got ${typeof weights}`);
  }
  if (classes !== undefined && weights.length !== classes) {
    fail(where, `option 'classWeights' has ${weights.length} entries; expected ${classes} (one per class)`);
  }
  weights.forEach((w, k) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      fail(where, `option 'classWeights' has ${String(w)} at index ${k}; expected finite numbers >= 0`);
    }
  });
}

/** Checks a `labelSmoothing` option: a number in `[0, 1)`. */
export function checkLabelSmoothing(where: string, ls: number): void {
  checkNumber(where, 'labelSmoothing', ls, 0, 1);
  if (ls === 1) fail(where, `option 'labelSmoothing' is 1; expected a number in [0, 1)`);
}

/** Re-labels an error of a component loss as the combined loss's (`segloss: <where>: ...`). */
export function asOwnError<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const e = err as Error & { where?: string };
    if (e.name === 'SeglossError' && e.where !== undefined) {
      fail(where, e.message.slice(`segloss: ${e.where}: `.length));
    }
    throw err;
  }
}
