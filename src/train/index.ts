/** Training and evaluation: the loop, Adam with exact state, checkpoints, data sources, metrics of a run. */
export { train } from './loop.js';
export type { TrainOptions, TrainResult, StepProgress } from './loop.js';
export { Adam } from './adam.js';
export type { AdamOptions, AdamState } from './adam.js';
export { checkRunConfig, configDifferences, configHash, canonicalJson } from './config.js';
export type { RunConfig, ModelConfig, DataConfig, SyntheticDataConfig, DatasetDataConfig } from './config.js';
export { writeCheckpoint, readCheckpoint, latestCheckpointDir, checkpointName } from './checkpoint.js';
export type { Checkpoint, CheckpointMeta, NamedArray, TrainHistory, ValidationPoint } from './checkpoint.js';
export { openSplit, openSources, datasetDataConfig } from './source.js';
export type { OpenedSplit } from './source.js';
export { predictImage, windowStarts, windowWeights } from './predict-image.js';
export type { PredictImageOptions, ImagePrediction } from './predict-image.js';
export { evaluateModel } from './evaluate.js';
export { evaluateMultilabel } from './evaluate-multilabel.js';
export { lossForMode, MODE_DEFAULT_LOSS } from './mode.js';
export type { EvaluationResult, ClassScores, EvaluateOptions } from './evaluate.js';
export {
  modelOf,
  loadRun,
  loadWeights,
  readWeights,
  readRunConfig,
  predictLabels,
  predictOptionsOf,
} from './model-io.js';
export type { LoadedRun } from './model-io.js';
export { writeTrainingReport } from './report.js';
export type { TrainingMetrics } from './report.js';
export { overlay } from './overlay.js';
export { progressReporter, progressLine, formatDuration } from './progress.js';
export type { ProgressReporter } from './progress.js';
