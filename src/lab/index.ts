/**
 * The browser lab's library side (no Node modules): the post page's state and losses, the trainer
 * its Web Worker runs, the URL settings, canvas pixels and the fixed conv-gradient check. It sits at
 * the experiment layer: it imports experiment, train, synth, model, losses, metrics, report colours.
 */
export {
  postLabStart,
  postLabLosses,
  objectAt,
  toggleObject,
  toggleAnnotatedClass,
  setAnnotatedMode,
  PER_PIXEL_LOSSES,
  type AnnotatedMode,
  type PostLabState,
  type PostLabLosses,
} from './post-lab.js';
export { LabTrainer, type LabTrainPlatform, type LabValidation } from './train-session.js';
export {
  labTrainSettings,
  labRunConfig,
  labDefaultWorkers,
  LAB_MIN_SHARD_WORK,
  LAB_CLASSES,
  type LabTrainOptions,
  type LabTrainSettings,
} from './train-settings.js';
export {
  parsePostSettings,
  postSettingsQuery,
  parseTrainSettings,
  type PostSettings,
  type TrainUrlSettings,
} from './settings.js';
export { labelsRgba, probabilitiesRgba, heatRgba, overlayRgba } from './images.js';
export { convGradCheck, type ConvGradCase } from './conv-check.js';
