import { fail } from '../../core/errors.js';
import type { Reduction } from '../../core/reduction.js';
import { checkNumber } from '../../core/validate.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import { COMMON_DEFAULTS } from '../shared/options.js';
import { checkRegionOptions, REGION_DEFAULTS } from '../shared/region-options.js';
import { checkClassWeights, checkEpsilon, type LossSpec } from '../shared/spec.js';
import type { DiceOptions } from '../dice/spec.js';
import type { CrossEntropyOptions } from '../crossentropy/spec.js';

/**
 * Options of {@link diceCrossEntropy}: the cross-entropy options (`fromLogits` = softmax for both terms,
 * `epsilon` for the cross-entropy clip), the Dice options MONAI's `DiceCELoss` passes on
 * (`includeBackground`, `squaredPred`, `smoothNr`, `smoothDr`, `batch`), `classWeights` (MONAI's `weight`:
 * passed to both terms; the cross-entropy takes PyTorch's weighted mean, the Dice its weighted mean over
 * classes), and the two term weights.
 * `reduction` is `'mean'` or `'sum'` (the two terms have different maps, so `'none'` is rejected) and
 * applies to both terms, as in MONAI.
 */
export interface DiceCrossEntropyOptions {
  fromLogits: boolean;
  reduction: Reduction;
  epsilon: number;
  ignoreMask: ArrayInput | null;
  includeBackground: boolean;
  squaredPred: boolean;
  smoothNr: number;
  smoothDr: number;
  batch: boolean;
  classWeights: number[] | null;
  lambdaDice: number;
  lambdaCe: number;
}

/**
 * Dice plus cross-entropy (MONAI `DiceCELoss`, nnU-Net's default loss).
 *
 * Formula: `L = lambdaDice * dice(y, p) + lambdaCe * crossentropy(y, p)`, each term as its own loss
 * (`dice`: per image and class, see {@link diceSpec}; `crossentropy`: per pixel, mean over valid pixels),
 * both on the same probabilities (`softmax(z)` when `fromLogits`) and the same `ignoreMask`.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in; scalar out.
 */
export const diceCrossEntropySpec: LossSpec<DiceCrossEntropyOptions> = {
  name: 'dice-crossentropy',
  summary: 'lambdaDice * soft Dice + lambdaCe * cross-entropy (MONAI DiceCELoss)',
  paper: 'Isensee et al., nnU-Net, Nature Methods 18 (2021) 203-211; MONAI DiceCELoss (monai/losses/dice.py)',
  defaults: {
    fromLogits: COMMON_DEFAULTS.fromLogits,
    reduction: 'mean',
    epsilon: COMMON_DEFAULTS.epsilon,
    ignoreMask: null,
    includeBackground: REGION_DEFAULTS.includeBackground,
    squaredPred: REGION_DEFAULTS.squaredPred,
    smoothNr: REGION_DEFAULTS.smoothNr,
    smoothDr: REGION_DEFAULTS.smoothDr,
    batch: REGION_DEFAULTS.batch,
    classWeights: null,
    lambdaDice: 1,
    lambdaCe: 1,
  },
  takesAnnotated: false,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options, classes) {
    const where = 'dice-crossentropy';
    if (options.reduction !== 'mean' && options.reduction !== 'sum') {
      fail(where, `option 'reduction' is ${JSON.stringify(options.reduction)}; expected mean or sum`);
    }
    checkNumber(where, 'lambdaDice', options.lambdaDice, 0, Number.MAX_VALUE);
    checkNumber(where, 'lambdaCe', options.lambdaCe, 0, Number.MAX_VALUE);
    checkEpsilon(where, options.epsilon);
    checkClassWeights(where, options.classWeights, classes);
    checkRegionOptions(where, options, classes);
  },
};

/** Splits checked options into the Dice and cross-entropy parts. */
export function splitOptions(opts: DiceCrossEntropyOptions): {
  dice: Partial<DiceOptions>;
  ce: Partial<CrossEntropyOptions>;
} {
  const { fromLogits, reduction, ignoreMask, classWeights } = opts;
  return {
    dice: {
      fromLogits,
      reduction,
      ignoreMask,
      includeBackground: opts.includeBackground,
      squaredPred: opts.squaredPred,
      smoothNr: opts.smoothNr,
      smoothDr: opts.smoothDr,
      batch: opts.batch,
      classWeights,
    },
    ce: { fromLogits, reduction, ignoreMask, classWeights, epsilon: opts.epsilon },
  };
}
