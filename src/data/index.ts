/** Data: `.npy` files, image decoding, dataset layouts (VOC, segloss, unions), the batch path, inspection. */
export { parseNpy, readNpy, writeNpy, encodeNpy, toNdArray } from './npy.js';
export type { NpyArray, NpyData, NpyDtype } from './npy.js';
export { openDataset, loadItem, loadMask, annotatedOf, badMaskValue } from './dataset.js';
export type { Dataset, DatasetItem, DatasetPart, LoadedItem, OpenDatasetOptions } from './dataset.js';
export {
  VOC_CLASS_NAMES,
  MAX_MULTILABEL_CLASSES,
  parseClasses,
  classesMode,
  classesJson,
} from './classes.js';
export type { DatasetClass, DatasetMode } from './classes.js';
export { maskFromPng, encodeBitmask, bitmaskToTargets } from './mask-bits.js';
export { detectLayout, splitNames, findItems } from './layout.js';
export type { DatasetLayout, FoundItem, ProblemSink } from './layout.js';
export { mergeClasses } from './union.js';
export { writeDataset } from './write-dataset.js';
export type { DatasetContent } from './write-dataset.js';
export {
  readImageHeader,
  parseImageHeader,
  decodeImageFile,
  decodeImageBytes,
  convertChannels,
  MAX_IMAGE_PIXELS,
} from './image-io.js';
export type { ImageHeader, DecodedImage } from './image-io.js';
export { decodeMask, decodeMaskBytes } from './png-io.js';
export { encodePng, writePng } from './png-encode.js';
export type { PngPixels } from './png-encode.js';
export { arraySource, datasetSource, sizeRange } from './item-source.js';
export type { ItemSource, ArraySplit } from './item-source.js';
export { BatchCursor } from './cursor.js';
export type { CursorState } from './cursor.js';
export { makeBatch } from './batch.js';
export type { TrainBatch } from './batch.js';
export { BatchStream, loadBatch, transformRandom } from './batch-stream.js';
export type { BatchStreamOptions } from './batch-stream.js';
export { augmentItem, resizeBilinear, resizeNearest, normalizeImage } from './transforms.js';
export type { AugmentConfig, Normalization, ImageMask } from './transforms.js';
export { maskProblems, inspectDataset } from './inspect.js';
export type { FileProblem, SplitReport, InspectReport } from './inspect.js';
export { maskToTargets } from './targets.js';
export { writeFileAtomic } from './atomic.js';
export { writeVocDataset } from './write-voc.js';
export type { VocItem } from './write-voc.js';
export { encodePalettePng } from './png-encode.js';
