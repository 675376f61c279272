/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has none), built from `MatMul`.
 *
 * Formula (NHWC, see conv-geometry.ts):
 * `dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] · dy[n,oh,ow,co]`,
 * i.e. for every tap one product `X_tap^T · dY` of the shifted (strided) input view `X_tap`
 * (`M × Cin`, `M = N·OH·OW`) with `dY` (`M × Cout`).
 *
 * How the shifted views are made without copying strided windows: the padded input is split into its
 * `sh·sw` stride phases, each a `[N, Hg, Wg, Cin]` grid with `Hg = OH + ⌈KH/sh⌉ − 1`; `dy` is zero-padded
 * onto the same grid. Flattened, the view of tap `(u, v)` of a phase is the contiguous range starting
 * at `u·Wg + v`, and the sum over the grid equals the sum over `(n, oh, ow)` because `dy` is zero
 * elsewhere (input read past the phase's end is taken as 0).
 *
 * Speed on wasm: its MatMul is only fast without transposes and re-packs its right operand for every
 * new tensor, so the product is `[X_tapᵀ for all taps] (K·Cin × rows) · dY (rows × Cout)` with `dY` on
 * the right, packed once per chunk for all taps; the phases are transposed once to channels-first
 * columns, from which the SeglossTapColumns kernel (tap-columns.ts) copies each tap's range.
 * The zero padding of `x` and `dy` onto the grid uses SeglossPadCrop (perf-kernels.ts; tfjs' wasm
 * `PadV2` is about 3x slower), and for stride 1 the taps come out in `(kh, kw)` order, so the result
 * is a reshape of the sum.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import { tapColumns } from './tap-columns.js';
import { padCrop } from './perf-kernels.js';
import { filterGradientSimd, filterGradientSimdFits } from './filter-grad-simd.js';
import { f32, heapBackend } from './wasm-heap.js';
import { asTensor4D, checkDy, convGeometry, type ConvGeometry, type ConvGradAttrs } from './conv-geometry.js';

const WHERE = 'Conv2DBackpropFilter';

/** The input side of the filter gradient for one stride phase `(a, b)`: which taps it feeds and how. */
interface PhaseTaps {
  /** The phase `x_pad[:, a::sh, b::sw, :]` is rows `rowStart …` and columns `first … limit − 1` of `columns`. */
  rowStart: number;
  first: number;
  limit: number;
  /** Its taps `(kh, kw)` and their offsets `u·Wg + v` from the phase's first column. */
  taps: { kh: number; kw: number; offset: number }[];
}

/**
 * The padded input split into stride phases on the `[N, Hg, Wg]` grid, and `dy` on the same grid
 * (flattened and zero-padded, `L = N·Hg·Wg` rows). A tap's input range runs past the end of its phase
 * by its offset; those values meet only zero rows of `dy` and are read as zeros. Call inside `tf.tidy`.
 */
export function tapGrid(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: ConvGeometry,
): { dyRows: tf.Tensor2D; columns: tf.Tensor2D; length: number; phases: PhaseTaps[] } {
  const sh = g.strideH;
  const sw = g.strideW;
  const hg = g.outH + Math.ceil(g.kH / sh) - 1;
  const wg = g.outW + Math.ceil(g.kW / sw) - 1;
  const xp = padCrop(x, g.padTop, sh * hg - g.padTop - g.inH, g.padLeft, sw * wg - g.padLeft - g.inW);
  const cells = g.n * hg * wg;
  const dyRows = tf.reshape(padCrop(dy, 0, hg - g.outH, 0, wg - g.outW), [cells, dy.shape[3]]) as tf.Tensor2D;
  // All phases in one matrix: [N·Hg, sh, Wg, sw·Cin] -> [sh, N·Hg, Wg, sw·Cin] -> [sh·cells, sw·Cin] ->
  // transposed [sw·Cin, sh·cells]: phase (a, b) = rows b·Cin …, columns a·cells … (one rank-4 and one
  // rank-2 transpose; tfjs-backend-wasm's StridedSlice would copy element by element).
  const byRow = sh === 1 ? xp : tf.transpose(tf.reshape(xp, [g.n * hg, sh, wg, sw * g.inC]), [1, 0, 2, 3]);
  const columns = tf.transpose(tf.reshape(byRow, [sh * cells, sw * g.inC])) as tf.Tensor2D;
  const phases: PhaseTaps[] = [];
  for (let a = 0; a < Math.min(sh, g.kH); a++) {
    for (let b = 0; b < Math.min(sw, g.kW); b++) {
      const taps: PhaseTaps['taps'] = [];
      for (let u = 0; a + u * sh < g.kH; u++) {
        for (let v = 0; b + v * sw < g.kW; v++)
          taps.push({ kh: a + u * sh, kw: b + v * sw, offset: u * wg + v });
      }
      phases.push({ rowStart: b * g.inC, first: a * cells, limit: (a + 1) * cells, taps });
    }
  }
  return { dyRows, columns, length: cells, phases };
}

/**
 * Grid rows per matrix multiply. XNNPACK's fully-connected kernel streams its whole reduction axis
 * once per output tile, so one multiply over all `N·Hg·Wg` rows is memory-bound; chunks of this many
 * rows keep the packed `dY` chunk (`rows × Cout`) in cache.
 */
export const FILTER_GRAD_CHUNK_ROWS = 16384;

/**
 * The filter gradient of a dilation-1 NHWC 2-D convolution, from tfjs ops only (backend-neutral; on
 * wasm the gathering uses the SeglossTapColumns kernel of tap-columns.ts). Call inside `tf.tidy`.
 *
 * For each chunk of grid rows: gather `X_tapᵀ` of all taps (of all stride phases) into
 * `[KH·KW·Cin, rows]`, multiply by the `dY` chunk (`[rows, Cout]`) and add to the `[KH·KW·Cin, Cout]` sum.
 *
 * @param x - `[N, H, W, Cin]` forward input.
 * @param dy - `[N, OH, OW, Cout]` upstream gradient.
 * @param g - geometry from {@link convGeometry}.
 * @param chunkRows - grid rows per multiply (default {@link FILTER_GRAD_CHUNK_ROWS}; fewer when the
 *   gathered block would pass 32 MiB).
 * @returns `[KH, KW, Cin, Cout]`.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: ConvGeometry,
  chunkRows = FILTER_GRAD_CHUNK_ROWS,
): tf.Tensor4D {
  const { dyRows, columns, length, phases } = tapGrid(x, dy, g);
  const taps = phases.flatMap((phase) => phase.taps.map((t) => ({ ...t, phase })));
  // Cap the gathered [taps·Cin, rows] block at 2^23 floats (32 MiB).
  const step = Math.max(1, Math.min(chunkRows, Math.floor(2 ** 23 / (taps.length * g.inC))));
  const dyFlat = tf.reshape(dyRows, [1, length * g.outC]) as tf.Tensor2D;
  let sum: tf.Tensor2D | undefined;
  for (let p0 = 0; p0 < length; p0 += step) {
    const rows = Math.min(step, length - p0);
    const dyWindow = { rowStart: 0, offset: p0 * g.outC, limit: length * g.outC };
    const dyChunk =
      rows === length ? dyRows : tf.reshape(tapColumns(dyFlat, [dyWindow], 1, rows * g.outC), [rows, g.outC]);
    const windows = taps.map((t) => ({
      rowStart: t.phase.rowStart,
      offset: t.phase.first + t.offset + p0,
      limit: t.phase.limit,
    }));
    const gathered = tapColumns(columns, windows, g.inC, rows); // [taps·Cin, rows]
    const product = tf.matMul(gathered, dyChunk) as tf.Tensor2D; // [taps·Cin, Cout]
    const prev = sum;
    sum = prev === undefined ? product : (tf.add(prev, product) as tf.Tensor2D);
    tf.dispose([gathered, dyChunk, ...(prev === undefined ? [] : [prev, product])]);
  }
  // Stride 1: the taps are already in (kh, kw) order.
  if (taps.every((t, k) => t.kh * g.kW + t.kw === k)) {
    return tf.reshape(sum as tf.Tensor2D, [g.kH, g.kW, g.inC, g.outC]);
  }
  const perTap: tf.Tensor2D[] = new Array<tf.Tensor2D>(g.kH * g.kW);
  taps.forEach((t, k) => {
    perTap[t.kh * g.kW + t.kw] = tf.slice(sum as tf.Tensor2D, [k * g.inC, 0], [g.inC, g.outC]);
  });
  return tf.reshape(tf.concat(perTap, 0), [g.kH, g.kW, g.inC, g.outC]);
}

interface BackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

/**
 * The kernel function registered as `Conv2DBackpropFilter` on the wasm backend: segloss' SIMD kernel
 * (filter-grad-simd.ts) when it is available, else {@link conv2dFilterGradient} from tfjs ops.
 */
export function conv2dBackpropFilterKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend?: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined) fail(WHERE, 'inputs must hold x and dy');
  if (!Array.isArray(attrs.filterShape) || attrs.filterShape.length !== 4) {
    fail(WHERE, `filterShape is ${String(attrs.filterShape)}; expected [KH,KW,Cin,Cout]`);
  }
  const g = convGeometry(WHERE, x.shape, attrs.filterShape, attrs);
  checkDy(WHERE, dy.shape, g);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32')
    fail(WHERE, `x is ${x.dtype} and dy is ${dy.dtype}; expected float32`);
  if (args.backend !== undefined && filterGradientSimdFits(g)) {
    const b = heapBackend(WHERE, args.backend);
    const out = b.makeOutput([g.kH, g.kW, g.inC, g.outC], 'float32');
    // Views after makeOutput, which may grow the heap.
    filterGradientSimd(f32(WHERE, 'x', b, x), f32(WHERE, 'dy', b, dy), g, f32(WHERE, 'out', b, out));
    return out;
  }
  return tf.tidy(() => conv2dFilterGradient(asTensor4D(x), asTensor4D(dy), g));
}
