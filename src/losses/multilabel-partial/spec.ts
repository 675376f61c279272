import { fail } from '../../core/errors.js';
import type { Reduction } from '../../core/reduction.js';
import { checkNumber } from '../../core/validate.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import { COMMON_DEFAULTS, type AnnotatedInput } from '../shared/options.js';
import { REGION_DEFAULTS } from '../shared/region-options.js';
import { checkAnnotatedForm, checkEpsilon, type LossSpec } from '../shared/spec.js';
import type { DiceOptions } from '../dice/spec.js';
import type { BinaryCrossEntropyOptions } from '../binary-crossentropy/spec.js';

/**
 * Options of {@link multilabelPartial}: `fromLogits` (sigmoid for both terms), `reduction` (`'mean'` or
 * `'sum'`, passed to both terms), `epsilon` (the BCE clip), `ignoreMask`, `annotated` (`'infer'` or an
 * `[N, C]` mask), `smoothNr` / `smoothDr` (the Dice smoothing), `batch` (pooled Dice statistics) and the
 * term weights `lambdaBce`, `lambdaDice`.
 */
export interface MultilabelPartialOptions {
  fromLogits: boolean;
  reduction: Reduction;
  epsilon: number;
  ignoreMask: ArrayInput | null;
  annotated: AnnotatedInput;
  smoothNr: number;
  smoothDr: number;
  batch: boolean;
  lambdaBce: number;
  lambdaDice: number;
}

/**
 * BCE + Dice over the annotated classes only, for multi-label (per-class sigmoid) outputs with partial
 * labels: each image's unannotated classes leave every per-class term, as MultiTalent's `valid_regions`
 * (Ulrich et al., MICCAI 2023) and DoDNet's per-task heads (Zhang et al., CVPR 2021).
 *
 * Formula: `L = lambdaBce * BCE_A + lambdaDice * Dice_A`, with `A[n, c]` the annotated mask and
 *   `BCE_A` = the mean of `l_ic` over the annotated elements (see {@link binaryCrossEntropySpec}),
 *   `Dice_A` = `sum_{A[n, c] = 1} (1 - D[n, c]) / sum A` (soft Dice per image and class,
 *   see {@link diceSpec}; every channel is a class, channel 0 too).
 * Empty annotated set: when no image of the batch annotates any class, both terms are 0 and so is the
 * gradient (nothing is known to learn from); with `'sum'` the terms are sums over annotated elements.
 * With `'infer'`, a class counts as annotated in an image where one of its pixels has it, so a truly
 * absent class is never penalised: pass the mask when your data has it.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`, C >= 1, targets multi-hot; scalar out.
 */
export const multilabelPartialSpec: LossSpec<MultilabelPartialOptions> = {
  name: 'multilabel-partial',
  summary: 'BCE + Dice over the annotated classes of each image (sigmoid outputs, classes may overlap)',
  paper:
    'Ulrich et al., MultiTalent: a multi-dataset approach to medical image segmentation, MICCAI 2023 ' +
    '(arXiv:2303.14444); Zhang et al., DoDNet, CVPR 2021',
  defaults: {
    fromLogits: COMMON_DEFAULTS.fromLogits,
    reduction: 'mean',
    epsilon: COMMON_DEFAULTS.epsilon,
    ignoreMask: null,
    annotated: 'infer',
    smoothNr: REGION_DEFAULTS.smoothNr,
    smoothDr: REGION_DEFAULTS.smoothDr,
    batch: false,
    lambdaBce: 1,
    lambdaDice: 1,
  },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options) {
    const where = 'multilabel-partial';
    if (options.reduction !== 'mean' && options.reduction !== 'sum') {
      fail(where, `option 'reduction' is ${JSON.stringify(options.reduction)}; expected mean or sum`);
    }
    checkEpsilon(where, options.epsilon);
    checkAnnotatedForm(where, options.annotated, false);
    checkNumber(where, 'smoothNr', options.smoothNr, 0, Number.MAX_VALUE);
    checkNumber(where, 'smoothDr', options.smoothDr, 0, Number.MAX_VALUE);
    checkNumber(where, 'lambdaBce', options.lambdaBce, 0, Number.MAX_VALUE);
    checkNumber(where, 'lambdaDice', options.lambdaDice, 0, Number.MAX_VALUE);
  },
};

/** The options of the two terms (checked options; `c` channels decide binary or multilabel). */
export function termOptions(
  opts: MultilabelPartialOptions,
  c: number,
): { bce: Partial<BinaryCrossEntropyOptions>; dice: Partial<DiceOptions> } {
  const { fromLogits, reduction, ignoreMask, annotated } = opts;
  return {
    bce: { fromLogits, reduction, ignoreMask, annotated, epsilon: opts.epsilon },
    dice: {
      fromLogits,
      reduction,
      ignoreMask,
      annotated,
      mode: c === 1 ? 'binary' : 'multilabel',
      smoothNr: opts.smoothNr,
      smoothDr: opts.smoothDr,
      batch: opts.batch,
    },
  };
}
