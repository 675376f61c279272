/**
 * Every loss, as its differentiable tfjs function and its typed-array reference (`...Reference`), the
 * registry that finds them by name, and the packing of per-image annotated masks into `model.fit`
 * targets.
 */
export { getLoss, listLosses, lossFunction, type LossEntry, type LossOptions } from './registry.js';
export { crossEntropy, crossEntropyMapTensor } from './crossentropy/tensor.js';
export { crossEntropyReference } from './crossentropy/reference.js';
export type { CrossEntropyOptions } from './crossentropy/spec.js';
export { missingAwareCrossEntropy } from './missing-aware/tensor.js';
export { missingAwareCrossEntropyReference } from './missing-aware/reference.js';
export type { MissingAwareOptions } from './missing-aware/spec.js';
export { marginalCrossEntropy } from './marginal-crossentropy/tensor.js';
export { marginalCrossEntropyReference } from './marginal-crossentropy/reference.js';
export type { MarginalCrossEntropyOptions } from './marginal-crossentropy/spec.js';
export { focal } from './focal/tensor.js';
export { focalReference } from './focal/reference.js';
export type { FocalOptions } from './focal/spec.js';
export { dice } from './dice/tensor.js';
export { diceReference } from './dice/reference.js';
export type { DiceOptions } from './dice/spec.js';
export { jaccard } from './jaccard/tensor.js';
export { jaccardReference } from './jaccard/reference.js';
export type { JaccardOptions } from './jaccard/spec.js';
export { tversky } from './tversky/tensor.js';
export { tverskyReference } from './tversky/reference.js';
export type { TverskyOptions } from './tversky/spec.js';
export { marginalDice } from './marginal-dice/tensor.js';
export { marginalDiceReference } from './marginal-dice/reference.js';
export type { MarginalDiceOptions } from './marginal-dice/spec.js';
export { exclusionLoss } from './exclusion/tensor.js';
export { exclusionReference } from './exclusion/reference.js';
export type { ExclusionOptions } from './exclusion/spec.js';
export { diceCrossEntropy } from './dice-crossentropy/tensor.js';
export { diceCrossEntropyReference } from './dice-crossentropy/reference.js';
export type { DiceCrossEntropyOptions } from './dice-crossentropy/spec.js';
export { binaryCrossEntropy } from './binary-crossentropy/tensor.js';
export { binaryCrossEntropyReference } from './binary-crossentropy/reference.js';
export type { BinaryCrossEntropyOptions } from './binary-crossentropy/spec.js';
export { multilabelPartial } from './multilabel-partial/tensor.js';
export { multilabelPartialReference } from './multilabel-partial/reference.js';
export type { MultilabelPartialOptions } from './multilabel-partial/spec.js';
export { checkLossOptions } from './registry.js';
export type { Mode, LossSpec } from './shared/spec.js';
export { packTargets, packTargetsArray, unpackTargets, packedLoss } from './shared/pack-targets.js';
export type { AnnotatedInput, CommonLossOptions } from './shared/options.js';
