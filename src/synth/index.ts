/**
 * The post's data (seed masks, batches, annotation dropping, simulated predictions), synthetic
 * training scenes and the seeded random generator they all use.
 */
export { Random, checkSeed, type RandomState } from './random.js';
export { oneHot, classCounts, type LabelMaps } from './labels.js';
export {
  seedMasks,
  postBatch,
  POST_CLASSES,
  POST_NUM_CLASSES,
  type PostBatch,
  type PostBatchOptions,
} from './post.js';
export {
  dropAnnotations,
  dropAnnotationsAtRate,
  type DropOptions,
  type DropResult,
  type ObjectRef,
} from './drop.js';
export { simulateLogits, simulatePredictions, type SimulateOptions } from './predictions.js';
export { synthScenes, SCENE_CLASSES, type SceneOptions, type Scenes } from './scenes.js';
export { synthMultilabelScenes, type MultilabelSceneOptions, type MultilabelScenes } from './multilabel.js';
export { multilabelSplit, type MultilabelSplit } from './multilabel-splits.js';
export { synthSplits, type SyntheticSplit, type SynthSplitOptions } from './splits.js';
