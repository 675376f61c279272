/** Data: `.npy` files, Pascal-VOC-style PNG datasets and streaming batches. */
export { parseNpy, readNpy, writeNpy, encodeNpy, toNdArray } from './npy.js';
export type { NpyArray, NpyData, NpyDtype } from './npy.js';
export { openDataset, loadItem, writeDataset } from './png-dataset.js';
export type { DatasetClass, DatasetItem, PngDataset, LoadedItem, DatasetContent } from './png-dataset.js';
export { batches } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { readPngHeader, decodeImage, decodeMask } from './png-io.js';
export type { PngHeader } from './png-io.js';
export { writeFileAtomic } from './atomic.js';
