/**
 * `SeglossTapColumns`: a wasm kernel that gathers K windows of a matrix into one `[K·C, L]` matrix,
 * `out[k·C + c, p] = x[rowStart_k + c, offset_k + p]`, 0 where `offset_k + p ≥ limit_k`, with one
 * heap-to-heap block copy per row.
 *
 * It builds the transposed tap matrix (`X_tapᵀ` for every tap `k`) of the filter gradient in
 * conv2d-backprop-filter.ts: tfjs-backend-wasm's `Slice` copies element by element in JavaScript and is
 * about 5x slower for these ranges. The
 * gathered block is `K·C·L` floats: callers chunk `L`.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { f32, heapBackend } from './wasm-heap.js';
import { hasKernel } from './kernel-registry.js';

/** The kernel name, registered for the wasm backend only. */
export const TAP_COLUMNS = 'SeglossTapColumns';

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

/** The kernel config of {@link TAP_COLUMNS} for the wasm backend. */
export const tapColumnsConfig: tf.KernelConfig = {
  kernelName: TAP_COLUMNS,
  backendName: 'wasm',
  kernelFunc: tapColumnsKernel as unknown as tf.KernelFunc,
};

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
  if (hasKernel(TAP_COLUMNS)) {
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
