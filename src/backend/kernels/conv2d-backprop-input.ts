/**
 * `Conv2DBackpropInput` for the wasm backend, built from XNNPACK's fast forward `Conv2D`.
 *
 * Formula (NHWC, see conv-geometry.ts): `dx[n,i,j,ci] = Σ dy[n,oh,ow,co] · w[kh,kw,ci,co]` over all
 * `(oh, kh)` with `oh·sh + kh = i + padTop` (and likewise for columns).
 *
 * - Stride 1: a stride-1 convolution of `dy` with the filter flipped in `(kh, kw)` and its channel axes
 *   swapped, padded by `KH − 1 − padTop` rows above (negative pads crop `dy`).
 * - Stride `s` (sub-pixel form of the polyphase decomposition): padded row `i' = q·s + a` only sees
 *   taps `kh = a, a+s, …`: `Σ_{m<M} dy[q − m] · w[a + s·m]`, `M = ⌈KH/s⌉`. All `sh·sw` phases are ONE
 *   stride-1 convolution of `dy` with `sh·sw·Cin` output channels (channel block `a·sw + b` = phase
 *   `(a, b)`, taps past `K` zero), rearranged to space by a reshape and one rank-4 transpose. Its work is
 *   `(M·s/K)²` times the forward pass: exact for `K = s` or `2s`, 1.8x for 3x3 stride 2, with no
 *   zero-stuffing of `dy` (which costs `s²` times more).
 *
 * Used as the input gradient of `tf.conv2d` and as the forward pass of `tf.conv2dTranspose`.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { asTensor4D, checkDy, convGeometry, type ConvGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { crop, flipFilter, padCrop } from './perf-kernels.js';
import { inputGradientSimd, inputGradientSimdFits, inputGradientSimdPays } from './input-grad-simd.js';
import { f32, heapBackend } from './wasm-heap.js';

const WHERE = 'Conv2DBackpropInput';

/**
 * The input gradient of a dilation-1 NHWC 2-D convolution, from tfjs ops only (backend-neutral; on
 * wasm the crops use the SeglossPadCrop kernel of perf-kernels.ts). Call inside `tf.tidy`.
 *
 * @param dy - `[N, OH, OW, Cout]` upstream gradient.
 * @param w - `[KH, KW, Cin, Cout]` filter.
 * @param g - geometry from {@link convGeometry}.
 * @returns `[N, H, W, Cin]`.
 */
export function conv2dInputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const [sh, sw] = [g.strideH, g.strideW];
  const mh = Math.ceil(g.kH / sh);
  const mw = Math.ceil(g.kW / sw);
  // [KH, KW, Cin, Cout] -> zero-pad to [sh·mh, sw·mw] -> [mh, sh, mw, sw, Cin, Cout] -> flip m ->
  // [mh, mw, Cout, a, b, Cin] -> [mh, mw, Cout, sh·sw·Cin].
  let filter: tf.Tensor4D;
  if (sh === 1 && sw === 1) {
    filter = flipFilter(w);
  } else {
    const padded = tf.pad(w, [
      [0, sh * mh - g.kH],
      [0, sw * mw - g.kW],
      [0, 0],
      [0, 0],
    ]);
    const split = tf.reverse(tf.reshape(padded, [mh, sh, mw, sw, g.inC, g.outC]), [0, 2]);
    filter = tf.reshape(tf.transpose(split, [0, 2, 5, 1, 3, 4]), [mh, mw, g.outC, sh * sw * g.inC]);
  }
  // Output cell t <-> q = qLo + t; the cells cover padded positions padTop ... padTop + H - 1.
  const rowsLo = Math.floor(g.padTop / sh);
  const colsLo = Math.floor(g.padLeft / sw);
  const qh = Math.floor((g.padTop + g.inH - 1) / sh) - rowsLo + 1;
  const qw = Math.floor((g.padLeft + g.inW - 1) / sw) - colsLo + 1;
  const top = mh - 1 - rowsLo;
  const left = mw - 1 - colsLo;
  const bottom = qh + mh - 1 - g.outH - top;
  const right = qw + mw - 1 - g.outW - left;
  const cropped = padCrop(dy, Math.min(0, top), Math.min(0, bottom), Math.min(0, left), Math.min(0, right));
  if (cropped.shape[1] === 0 || cropped.shape[2] === 0) return tf.zeros([g.n, g.inH, g.inW, g.inC]);
  const pads: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  const phases = tf.conv2d(cropped, filter, 1, pads); // [N, qh, qw, sh·sw·Cin]
  if (sh === 1 && sw === 1) return phases; // qh = H, qw = W, nothing to move
  // [N·qh, qw, sh, sw·Cin] -> [N·qh, sh, qw, sw·Cin] = [N, qh·sh, qw·sw, Cin]; row 0 is padded row rowsLo·sh.
  const moved = tf.transpose(tf.reshape(phases, [g.n * qh, qw, sh, sw * g.inC]), [0, 2, 1, 3]);
  const full = tf.reshape(moved, [g.n, qh * sh, qw * sw, g.inC]) as tf.Tensor4D;
  return crop(full, [g.padTop - rowsLo * sh, g.padLeft - colsLo * sw], [g.inH, g.inW]);
}

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/**
 * The kernel function registered as `Conv2DBackpropInput` on the wasm backend: segloss' SIMD kernel
 * (input-grad-simd.ts) for stride 1 when it is available and pays (`Cin` >= 8 or so), else
 * {@link conv2dInputGradient}.
 */
export function conv2dBackpropInputKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend?: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined) fail(WHERE, 'inputs must hold dy and filter');
  if (!Array.isArray(attrs.inputShape) || attrs.inputShape.length !== 4) {
    fail(WHERE, `inputShape is ${String(attrs.inputShape)}; expected [N,H,W,C]`);
  }
  const g = convGeometry(WHERE, attrs.inputShape, filter.shape, attrs);
  checkDy(WHERE, dy.shape, g);
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    fail(
      WHERE,
      `dy is ${dy.dtype} and filter is ${filter.dtype} (shape ${formatShape(filter.shape)}); expected float32`,
    );
  }
  if (args.backend !== undefined && inputGradientSimdPays(g) && inputGradientSimdFits(g)) {
    const b = heapBackend(WHERE, args.backend);
    const out = b.makeOutput([g.n, g.inH, g.inW, g.inC], 'float32');
    // Views after makeOutput, which may grow the heap.
    inputGradientSimd(f32(WHERE, 'dy', b, dy), f32(WHERE, 'filter', b, filter), g, f32(WHERE, 'out', b, out));
    return out;
  }
  return tf.tidy(() => conv2dInputGradient(asTensor4D(dy), asTensor4D(filter), g));
}
