import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { normalizeImage, type Normalization } from '../data/transforms.js';

/** Options of {@link predictImage}. */
export interface PredictImageOptions {
  /** Fraction of a window shared with its neighbour along each axis, in [0, 1) (default 0.25). */
  readonly overlap?: number;
  /** Weight of each window's pixels when blending: `gaussian` (centre-weighted) or `constant` (default). */
  readonly blend?: 'gaussian' | 'constant';
  /** Gaussian sigma as a fraction of the window size (default 0.125). */
  readonly sigmaScale?: number;
  readonly normalize?: Normalization | null;
  /** Windows per forward pass (default 8). */
  readonly batchSize?: number;
  /** Binary or multi-label model: sigmoid channels, `labels` a bitmask at `threshold`. Absent = multiclass. */
  readonly mode?: 'binary' | 'multilabel';
  /** Probability at or above which a sigmoid channel is predicted (default 0.5). */
  readonly threshold?: number;
}

/**
 * Class probabilities `[H*W*C]` and the class map `[H*W]` of one image: the arg-max (multiclass), or
 * the bitmask `sum_c [p_c >= threshold] 2^c` (binary, multi-label).
 */
export interface ImagePrediction {
  readonly height: number;
  readonly width: number;
  readonly numClasses: number;
  readonly probs: Float32Array;
  readonly labels: Uint8Array;
}

/**
 * Window starts along one axis of length `size` for a window `win` with `overlap`: stride
 * `max(1, floor(win * (1 - overlap)))`, starts `0, stride, 2 stride, ...` while the window fits, and a
 * last window flush with the far edge; `[0]` when the window covers the axis.
 *
 * @example
 * ```ts
 * windowStarts(10, 4, 0.25); // [0, 3, 6]
 * windowStarts(11, 4, 0.25); // [0, 3, 6, 7]
 * ```
 */
export function windowStarts(size: number, win: number, overlap: number): number[] {
  if (size <= win) return [0];
  const stride = Math.max(1, Math.floor(win * (1 - overlap)));
  const out: number[] = [];
  for (let s = 0; s + win < size; s += stride) out.push(s);
  out.push(size - win);
  return out;
}

/**
 * The blending weight of a window's pixels: all ones, or a Gaussian centred on the window with
 * sigma = `sigmaScale * size` per axis, scaled to a maximum of 1 and clamped below at its smallest
 * positive value (so edge pixels still count where only one window covers them).
 */
export function windowWeights(
  h: number,
  w: number,
  blend: 'gaussian' | 'constant',
  sigmaScale = 0.125,
): Float32Array {
  const out = new Float32Array(h * w).fill(1);
  if (blend === 'constant') return out;
  const g = (n: number) =>
    Array.from({ length: n }, (_, i) => Math.exp(-((i - (n - 1) / 2) ** 2) / (2 * (sigmaScale * n) ** 2)));
  const gy = g(h);
  const gx = g(w);
  let max = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) max = Math.max(max, (out[y * w + x] = gy[y] * gx[x]));
  let min = Infinity;
  for (let i = 0; i < out.length; i++) {
    out[i] /= max;
    if (out[i] > 0) min = Math.min(min, out[i]);
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i], min);
  return out;
}

/**
 * Sliding-window inference over an image of any size, as MONAI's `sliding_window_inference`: the
 * model's input size is the window; the image is padded with zeros (after normalisation) where it is
 * smaller than the window; windows start as {@link windowStarts} says; each window's probabilities
 * (softmax of the output when the model outputs logits) are summed with {@link windowWeights} and
 * divided by the summed weights,
 * ```
 * p(x) = sum_w  m_w(x) p_w(x) / sum_w m_w(x)
 * ```
 * then cropped back to the image. The class map is the arg-max of `p`. Inference mode.
 *
 * @param image `[H*W*ch]` in [0, 1] (normalised here when `options.normalize` is given)
 * @example
 * ```ts
 * const { labels } = predictImage(model, { data, height: 375, width: 500 }, 'softmax', { overlap: 0.25 });
 * ```
 * @see MONAI, `monai.inferers.sliding_window_inference`: https://docs.monai.io/en/stable/inferers.html
 */
export function predictImage(
  model: tf.LayersModel,
  image: { readonly data: Float32Array; readonly height: number; readonly width: number },
  output: 'softmax' | 'sigmoid' | 'logits',
  options: PredictImageOptions = {},
): ImagePrediction {
  const where = 'predictImage';
  const shape = model.inputs[0].shape;
  const [wh, ww, ch] = [shape[1], shape[2], shape[3]] as number[];
  const { height: h, width: w } = image;
  if (image.data.length !== h * w * ch) {
    fail(where, `image has ${image.data.length} values; expected ${h}x${w}x${ch} = ${h * w * ch}`);
  }
  const overlap = options.overlap ?? 0.25;
  if (!(overlap >= 0 && overlap < 1)) fail(where, `overlap is ${overlap}; expected a number in [0, 1)`);
  const data = options.normalize
    ? normalizeImage(Float32Array.from(image.data), ch, options.normalize)
    : image.data;
  // Padded canvas: at least one window in each direction.
  const ph = Math.max(h, wh);
  const pw = Math.max(w, ww);
  const ys = windowStarts(ph, wh, overlap);
  const xs = windowStarts(pw, ww, overlap);
  const weights = windowWeights(wh, ww, options.blend ?? 'constant', options.sigmaScale);
  const windows = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const c = (model.outputs[0].shape[3] as number) ?? 1;
  const sum = new Float32Array(ph * pw * c);
  const norm = new Float32Array(ph * pw);
  const bs = options.batchSize ?? 8;
  for (let start = 0; start < windows.length; start += bs) {
    const part = windows.slice(start, start + bs);
    const x = new Float32Array(part.length * wh * ww * ch);
    part.forEach(([y0, x0], k) => {
      for (let r = 0; r < wh; r++) {
        const sy = y0 + r;
        if (sy >= h) break;
        const cols = Math.min(ww, w - x0);
        if (cols <= 0) continue;
        const src = (sy * w + x0) * ch;
        x.set(data.subarray(src, src + cols * ch), (k * wh * ww + r * ww) * ch);
      }
    });
    const probs = tf.tidy(() => {
      const out = model.predict(tf.tensor4d(x, [part.length, wh, ww, ch])) as tf.Tensor;
      if (output !== 'logits') return out;
      return options.mode === undefined ? tf.softmax(out) : tf.sigmoid(out);
    });
    const p = probs.dataSync() as Float32Array;
    probs.dispose();
    part.forEach(([y0, x0], k) => {
      for (let r = 0; r < wh; r++) {
        for (let q = 0; q < ww; q++) {
          const m = weights[r * ww + q];
          const dst = (y0 + r) * pw + x0 + q;
          norm[dst] += m;
          const src = ((k * wh + r) * ww + q) * c;
          for (let j = 0; j < c; j++) sum[dst * c + j] += m * p[src + j];
        }
      }
    });
  }
  const probs = new Float32Array(h * w * c);
  const labels = new Uint8Array(h * w);
  const threshold = options.threshold ?? 0.5;
  for (let y = 0; y < h; y++) {
    for (let q = 0; q < w; q++) {
      const src = y * pw + q;
      const dst = y * w + q;
      let best = 0;
      let bits = 0;
      for (let j = 0; j < c; j++) {
        const v = (probs[dst * c + j] = sum[src * c + j] / norm[src]);
        if (v > probs[dst * c + best]) best = j;
        if (v >= threshold) bits |= 1 << j;
      }
      labels[dst] = options.mode === undefined ? best : bits;
    }
  }
  return { height: h, width: w, numClasses: c, probs, labels };
}
