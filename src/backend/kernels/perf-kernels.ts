/**
 * Two data-movement kernels for the wasm backend that replace chains of tfjs ops in the conv gradients
 * with block copies on the wasm heap (tfjs-backend-wasm's `PadV2` walks every element, and `Reverse`
 * plus `Transpose` of a filter are two full passes with per-element index arithmetic):
 *
 * - `SeglossPadCrop`: pads (positive amounts) or crops (negative amounts) axes 1 and 2 of an NHWC
 *   tensor with zeros, `out[n, i, j, c] = x[n, i − top, j − left, c]` (0 outside `x`): one
 *   `copyWithin` per kept row plus zero fills.
 * - `SeglossFlipFilter`: `out[kh, kw, co, ci] = w[KH−1−kh, KW−1−kw, ci, co]`, the filter of the
 *   stride-1 input gradient (a convolution of `dy` with the filter rotated by 180° and its channel axes
 *   swapped), in one pass.
 *
 * Both fall back to tfjs ops on other backends. {@link crop} is the crop-only call of `SeglossPadCrop`,
 * the one crop kernel (tfjs-backend-wasm's `Slice` copies element by element in JavaScript).
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { f32, heapBackend } from './wasm-heap.js';
import { hasKernel } from './kernel-registry.js';

/** The pad-or-crop kernel name (wasm only). */
export const PAD_CROP = 'SeglossPadCrop';

/** The flipped-filter kernel name (wasm only). */
export const FLIP_FILTER = 'SeglossFlipFilter';

function padCropKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const b = heapBackend(PAD_CROP, args.backend);
  const x = args.inputs.x;
  const { pads } = args.attrs as unknown as { pads: [number, number, number, number] };
  if (x === undefined || x.shape.length !== 4) fail(PAD_CROP, `x must be [N,H,W,C]; got ${String(x?.shape)}`);
  const [n, h, w, c] = x.shape;
  const [top, bottom, left, right] = pads;
  const oh = h + top + bottom;
  const ow = w + left + right;
  if (oh < 0 || ow < 0) fail(PAD_CROP, `pads [${pads}] leave a negative size for x ${formatShape(x.shape)}`);
  const out = b.makeOutput([n, oh, ow, c], 'float32');
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const src = f32(PAD_CROP, 'x', b, x);
  const dst = f32(PAD_CROP, 'out', b, out);
  // Kept columns j in [j0, j1) of each output row, read from column j − left of x.
  const j0 = Math.max(0, left);
  const j1 = Math.min(ow, w + left);
  const run = Math.max(0, j1 - j0) * c;
  const rowLen = ow * c;
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < oh; i++) {
      const to = (img * oh + i) * rowLen;
      const si = i - top;
      if (si < 0 || si >= h || run === 0) {
        dst.fill(0, to, to + rowLen);
        continue;
      }
      if (j0 > 0) dst.fill(0, to, to + j0 * c);
      const from = ((img * h + si) * w + (j0 - left)) * c;
      dst.set(src.subarray(from, from + run), to + j0 * c);
      if (j0 * c + run < rowLen) dst.fill(0, to + j0 * c + run, to + rowLen);
    }
  }
  return out;
}

function flipFilterKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const b = heapBackend(FLIP_FILTER, args.backend);
  const wt = args.inputs.x;
  if (wt === undefined || wt.shape.length !== 4)
    fail(FLIP_FILTER, `filter must be [KH,KW,Cin,Cout]; got ${String(wt?.shape)}`);
  const [kh, kw, ci, co] = wt.shape;
  const out = b.makeOutput([kh, kw, co, ci], 'float32');
  const src = f32(FLIP_FILTER, 'filter', b, wt);
  const dst = f32(FLIP_FILTER, 'out', b, out);
  const plane = ci * co;
  for (let t = 0; t < kh * kw; t++) {
    const from = (kh * kw - 1 - t) * plane; // tap (KH−1−kh, KW−1−kw) is tap index KH·KW−1−t
    const to = t * plane;
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < ci; i++) dst[to + o * ci + i] = src[from + i * co + o];
    }
  }
  return out;
}

/** The kernel configs of {@link PAD_CROP} and {@link FLIP_FILTER} for the wasm backend. */
export const perfKernelConfigs: readonly tf.KernelConfig[] = [
  { kernelName: PAD_CROP, backendName: 'wasm', kernelFunc: padCropKernel as unknown as tf.KernelFunc },
  { kernelName: FLIP_FILTER, backendName: 'wasm', kernelFunc: flipFilterKernel as unknown as tf.KernelFunc },
];

/**
 * Pads (positive) or crops (negative) axes 1 and 2 of an NHWC tensor with zeros: `top`/`bottom` rows
 * and `left`/`right` columns. {@link PAD_CROP} on wasm, `tf.slice` + `tf.pad` elsewhere. Returns `x`
 * itself when all amounts are 0.
 *
 * @example `padCrop(x, 1, 1, 1, 1)` turns `[N, H, W, C]` into `[N, H+2, W+2, C]` with a zero border.
 */
export function padCrop(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.Tensor4D {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  if (hasKernel(PAD_CROP)) {
    const attrs = { pads: [top, bottom, left, right] } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(PAD_CROP, { x }, attrs) as tf.Tensor4D;
  }
  const [n, h, w, c] = x.shape;
  const t0 = Math.max(0, -top);
  const l0 = Math.max(0, -left);
  const kept = tf.slice(
    x,
    [0, t0, l0, 0],
    [n, Math.max(0, h - t0 - Math.max(0, -bottom)), Math.max(0, w - l0 - Math.max(0, -right)), c],
  );
  return tf.pad(kept, [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ]);
}

/**
 * `[KH, KW, Cout, Cin]`: the filter rotated by 180° in `(kh, kw)` with its channel axes swapped,
 * `out[kh, kw, co, ci] = w[KH−1−kh, KW−1−kw, ci, co]`. {@link FLIP_FILTER} on wasm,
 * `tf.reverse` + `tf.transpose` elsewhere.
 */
export function flipFilter(w: tf.Tensor4D): tf.Tensor4D {
  if (hasKernel(FLIP_FILTER)) return tf.engine().runKernel(FLIP_FILTER, { x: w }, {}) as tf.Tensor4D;
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/**
 * Rows `begin[0] … begin[0]+size[0]−1` and columns `begin[1] … begin[1]+size[1]−1` of an NHWC tensor:
 * {@link padCrop} with negative amounts (one block copy per kept row on wasm, `tf.slice` elsewhere).
 *
 * @example `crop(x, [1, 2], [3, 4])` of `[N, 8, 8, C]` is `x[:, 1:4, 2:6, :]`, `[N, 3, 4, C]`.
 */
export function crop(x: tf.Tensor4D, begin: [number, number], size: [number, number]): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (begin[0] < 0 || begin[1] < 0 || begin[0] + size[0] > h || begin[1] + size[1] > w) {
    fail('crop', `window at [${begin}] of size [${size}] leaves x of shape ${formatShape(x.shape)}`);
  }
  return padCrop(x, -begin[0], begin[0] + size[0] - h, -begin[1], begin[1] + size[1] - w);
}
