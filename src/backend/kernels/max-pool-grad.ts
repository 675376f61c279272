import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { f32, heapBackend } from './wasm-heap.js';
import { heapKernels } from '../wasm/heap-instance.js';

const WHERE = 'MaxPoolGrad (wasm)';

/**
 * `MaxPoolGrad` for tfjs' wasm backend, in JavaScript over the wasm heap.
 *
 * For every pooling window (batch b, output row oy, column ox) and channel k, the whole upstream
 * gradient `dy[b, oy, ox, k]` goes to the window's arg-max in the forward input:
 * ```
 * dx[b, i, j, k] = sum over windows (oy, ox) whose first maximum (row-major scan) of x[b, ., ., k] is (i, j)
 *                  of dy[b, oy, ox, k]
 * ```
 * Ties go to the first maximum in row-major window order, as in tfjs' cpu backend; windows whose
 * values are all NaN or -Infinity pass no gradient. Padded cells never win. The channel loop is
 * innermost, so a window is scanned once for all channels (channels-last memory order).
 *
 * Inputs `dy: [N, OH, OW, C]`, `input: [N, H, W, C]` (float32); attrs as tfjs' `MaxPoolGradAttrs`
 * (any filter size, stride, 'same'/'valid'/explicit padding); output `dx: [N, H, W, C]`.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const b = heapBackend(WHERE, backend);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = b.makeOutput(input.shape.slice(), 'float32');
  const dx = f32(WHERE, 'dx', b, out);
  const x = f32(WHERE, 'input', b, input);
  const g = f32(WHERE, 'dy', b, dy);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * oh <= h && 2 * ow <= w) {
    const k = heapKernels(backend);
    if (k !== null && c % 4 === 0) {
      // SIMD (heap-kernels.wat), in place; rows and columns past 2·oh, 2·ow get no gradient.
      if (2 * oh !== h || 2 * ow !== w) dx.fill(0);
      const image = h * w * c * 4;
      const pooled = oh * ow * c * 4;
      // One call per image when H is odd (then image rows are not 2 per pooled row).
      const [calls, rows] = 2 * oh === h ? [1, n * oh] : [n, oh];
      for (let i = 0; i < calls; i++) {
        k.pool2x2Grad(
          x.byteOffset + i * image,
          g.byteOffset + i * pooled,
          dx.byteOffset + i * image,
          rows,
          ow,
          c,
          w,
        );
      }
      return out;
    }
    pool2x2Grad(x, g, dx, n, h, w, c, oh, ow);
    return out;
  }
  dx.fill(0);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  let gi = 0;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++, gi += c) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(w, x0 + fw);
        best.fill(-Infinity);
        arg.fill(-1);
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const base = ((bi * h + iy) * w + ix) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[k]) {
                best[k] = v;
                arg[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++) {
          const a = arg[k];
          if (a >= 0) dx[a] += g[gi + k];
        }
      }
    }
  }
  return out;
};

/**
 * The U-Net case, 2x2 windows with stride 2 and no padding: windows tile the input without overlap, so
 * each input cell gets either its window's dy or 0 and is written once (no zero fill, no accumulation).
 * Cells of an odd last row or column, outside every window, are zeroed.
 */
function pool2x2Grad(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
): void {
  if (2 * oh !== h || 2 * ow !== w) dx.fill(0);
  const row = w * c;
  let gi = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const r0 = (b * h + 2 * oy) * row;
      for (let ox = 0; ox < ow; ox++) {
        const p0 = r0 + 2 * ox * c;
        const p1 = p0 + c;
        const p2 = p0 + row;
        const p3 = p2 + c;
        for (let k = 0; k < c; k++, gi++) {
          // First maximum in row-major order; NaN never wins, all-NaN windows pass nothing.
          let m = x[p0 + k];
          let at = m > -Infinity ? p0 + k : -1;
          if (!(m > -Infinity)) m = -Infinity;
          const v1 = x[p1 + k];
          if (v1 > m) {
            m = v1;
            at = p1 + k;
          }
          const v2 = x[p2 + k];
          if (v2 > m) {
            m = v2;
            at = p2 + k;
          }
          if (x[p3 + k] > m) at = p3 + k;
          dx[p0 + k] = 0;
          dx[p1 + k] = 0;
          dx[p2 + k] = 0;
          dx[p3 + k] = 0;
          if (at >= 0) dx[at] = g[gi];
        }
      }
    }
  }
}

/** Kernel config registering {@link maxPoolGrad} as `MaxPoolGrad` for the `'wasm'` backend. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
