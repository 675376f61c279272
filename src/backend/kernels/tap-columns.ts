/**
 * `SeglossTapColumns`: a wasm kernel that gathers K windows of a matrix into one `[K·C, L]` matrix,
 * `out[k·C + c, p] = x[rowStart_k + c, offset_k + p]`, 0 where `offset_k + p ≥ limit_k`, with one
 * heap-to-heap block copy per row. Also `SeglossCrop` (below).
 *
 * It builds the transposed tap matrix (`X_tapᵀ` for every tap `k`) of the filter gradient in
 * conv2d-backprop-filter.ts: tfjs-backend-wasm's `Slice` copies element by element in JavaScript and is
 * about 5x slower for these ranges. The
 * gathered block is `K·C·L` floats: callers chunk `L`.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { f32, heapBackend } from './wasm-heap.js';
import { perfKernelConfigs } from './perf-kernels.js';

/** The kernel name, registered for the wasm backend only. */
export const TAP_COLUMNS = 'SeglossTapColumns';

/** A wasm kernel cropping axes 1 and 2 of an NHWC tensor: one block copy per kept row. */
export const CROP = 'SeglossCrop';

/** One window: rows `rowStart …` (as many as the call's `rowCount`), columns `offset …`, zero from `limit` on. */
export interface TapWindow {
  rowStart: number;
  offset: number;
  limit: number;
}

interface TapColumnsAttrs {
  rowStarts: number[];
  offsets: number[];
  limits: number[];
  rowCount: number;
  length: number;
}

function tapColumnsKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const b = heapBackend(TAP_COLUMNS, args.backend);
  const x = args.inputs.x;
  const { rowStarts, offsets, limits, rowCount, length } = args.attrs as unknown as TapColumnsAttrs;
  if (x === undefined || x.shape.length !== 2)
    fail(TAP_COLUMNS, `x must be a matrix; got ${String(x?.shape)}`);
  const [r, t] = x.shape;
  offsets.forEach((off, k) => {
    if (
      rowStarts[k] < 0 ||
      rowStarts[k] + rowCount > r ||
      limits[k] > t ||
      !Number.isInteger(off) ||
      off < 0
    ) {
      fail(
        TAP_COLUMNS,
        `window ${k} (rows ${rowStarts[k]}+${rowCount}, offset ${off}, limit ${limits[k]}) leaves x ${formatShape(x.shape)}`,
      );
    }
  });
  const out = b.makeOutput([offsets.length * rowCount, length], 'float32');
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const src = f32(TAP_COLUMNS, 'x', b, x);
  const dst = f32(TAP_COLUMNS, 'out', b, out);
  for (let k = 0; k < offsets.length; k++) {
    const n = Math.max(0, Math.min(length, limits[k] - offsets[k]));
    for (let ch = 0; ch < rowCount; ch++) {
      const from = (rowStarts[k] + ch) * t + offsets[k];
      const to = (k * rowCount + ch) * length;
      if (n > 0) dst.set(src.subarray(from, from + n), to);
      if (n < length) dst.fill(0, to + n, to + length);
    }
  }
  return out;
}

function cropKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const b = heapBackend(CROP, args.backend);
  const x = args.inputs.x;
  const { begin, size } = args.attrs as unknown as { begin: [number, number]; size: [number, number] };
  if (x === undefined || x.shape.length !== 4) fail(CROP, `x must be [N,H,W,C]; got ${String(x?.shape)}`);
  const [n, h, w, c] = x.shape;
  if (begin[0] < 0 || begin[1] < 0 || begin[0] + size[0] > h || begin[1] + size[1] > w) {
    fail(CROP, `window at [${begin}] of size [${size}] leaves x of shape ${formatShape(x.shape)}`);
  }
  const out = b.makeOutput([n, size[0], size[1], c], 'float32');
  const src = f32(CROP, 'x', b, x);
  const dst = f32(CROP, 'out', b, out);
  const run = size[1] * c;
  let to = 0;
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < size[0]; i++, to += run) {
      const from = ((img * h + begin[0] + i) * w + begin[1]) * c;
      dst.set(src.subarray(from, from + run), to);
    }
  }
  return out;
}

/**
 * The kernel configs of {@link TAP_COLUMNS} and {@link CROP} for the wasm backend, and those of
 * perf-kernels.ts (`SeglossPadCrop`, `SeglossFlipFilter`).
 */
export const tapColumnsConfigs: readonly tf.KernelConfig[] = [
  { kernelName: TAP_COLUMNS, backendName: 'wasm', kernelFunc: tapColumnsKernel as unknown as tf.KernelFunc },
  { kernelName: CROP, backendName: 'wasm', kernelFunc: cropKernel as unknown as tf.KernelFunc },
  ...perfKernelConfigs,
];

/**
 * Rows `begin[0] … begin[0]+size[0]−1` and columns `begin[1] … begin[1]+size[1]−1` of an NHWC tensor.
 * {@link CROP} on wasm (tfjs-backend-wasm's `Slice` copies element by element), `tf.slice` elsewhere.
 */
export function crop(x: tf.Tensor4D, begin: [number, number], size: [number, number]): tf.Tensor4D {
  if (size[0] === 0 || size[1] === 0) return tf.zeros([x.shape[0], size[0], size[1], x.shape[3]]);
  if (begin[0] === 0 && begin[1] === 0 && size[0] === x.shape[1] && size[1] === x.shape[2]) return x;
  if (tf.getBackend() === 'wasm' && tf.getKernel(CROP, 'wasm') !== undefined) {
    return tf.engine().runKernel(CROP, { x }, { begin, size } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.slice(x, [0, begin[0], begin[1], 0], [x.shape[0], size[0], size[1], x.shape[3]]);
}

/**
 * `[K·C, L]`: for each window `k` (in order) the `C = rowCount` rows `x[rowStart_k + c, offset_k …
 * offset_k + length − 1]`, zero at and past column `limit_k`. {@link TAP_COLUMNS} on wasm,
 * `tf.slice` + `tf.pad` + `tf.concat` elsewhere.
 */
export function tapColumns(
  x: tf.Tensor2D,
  windows: readonly TapWindow[],
  rowCount: number,
  length: number,
): tf.Tensor2D {
  if (tf.getBackend() === 'wasm' && tf.getKernel(TAP_COLUMNS, 'wasm') !== undefined) {
    const attrs = {
      rowStarts: windows.map((w) => w.rowStart),
      offsets: windows.map((w) => w.offset),
      limits: windows.map((w) => w.limit),
      rowCount,
      length,
    };
    return tf.engine().runKernel(TAP_COLUMNS, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  const parts = windows.map((w) => {
    const valid = tf.slice(x, [w.rowStart, 0], [rowCount, w.limit]);
    const reach = Math.max(w.limit, w.offset + length);
    const padded = tf.pad(valid, [
      [0, 0],
      [0, reach - w.limit],
    ]);
    return tf.slice(padded, [0, w.offset], [rowCount, length]);
  });
  return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
}
