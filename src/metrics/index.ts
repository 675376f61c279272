/** Segmentation metrics: confusion statistics → IoU, Dice, precision, recall, accuracy; accumulators. */
export { confusionStats, confusionMatrix, argmaxLabels } from './confusion.js';
export type { ConfusionStats, ConfusionOptions, LabelArray } from './confusion.js';
export { multilabelStats } from './multilabel.js';
export type { MultilabelStatsOptions } from './multilabel.js';
export { iou, dice, precision, recall, pixelAccuracy } from './metrics.js';
export type { Metric } from './metrics.js';
export { nanMean, perClassScore, iouOf, diceOf, precisionOf, recallOf } from './scores.js';
export type { MetricReduction, ScoreOptions } from './scores.js';
export { MetricAccumulator, absentClassFalsePositiveRate } from './accumulator.js';
export type { AbsentClassRates, MetricAccumulatorJSON, MetricSummary } from './accumulator.js';
