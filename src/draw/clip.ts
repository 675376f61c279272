import { fail } from '../core/errors.js';

/**
 * Pixel coordinates of a rasterised shape, in the layout of `skimage.draw`: pixel `k` is
 * `(rr[k], cc[k])` (row, column). Our rasterisers emit them in row-major order, as skimage does.
 */
export interface PixelCoords {
  readonly rr: Int32Array;
  readonly cc: Int32Array;
}

/** An image shape `[rows, cols]` (further axes, as in `[H, W, 3]`, are ignored like skimage does). */
export type ImageShape = readonly number[];

/**
 * Checks the optional `shape` option of a rasteriser: `undefined` (no clipping) or at least two
 * non-negative integers `[rows, cols]`. Returns `[rows, cols]` or `undefined`.
 */
export function checkImageShape(where: string, shape: ImageShape | undefined): [number, number] | undefined {
  if (shape === undefined) return undefined;
  const ok = Array.isArray(shape) && shape.length >= 2 && shape.every((d) => Number.isInteger(d) && d >= 0);
  if (!ok) {
    fail(where, `option 'shape' is ${JSON.stringify(shape)}; expected [rows, cols] of non-negative integers`);
  }
  return [shape[0], shape[1]];
}

/** Checks that a scalar argument is a finite number (rejects NaN, ±Infinity and non-numbers). */
export function checkFiniteArg(where: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    fail(where, `${arg} is ${String(v)}; expected a finite number`);
  }
}

/** Checks that a radius is finite and `>= 0`. */
export function checkRadius(where: string, arg: string, v: number): void {
  checkFiniteArg(where, arg, v);
  if (v < 0) fail(where, `${arg} is ${v}; expected a radius >= 0`);
}

/**
 * Clips an inclusive pixel range `[lo, hi]` along an axis of `size` pixels to `[0, size - 1]`; with
 * `size` undefined the range is returned unchanged (skimage's behaviour when `shape` is `None`).
 * An empty result has `hi < lo`.
 *
 * @example
 * ```ts
 * clipRange(-3, 12, 10); // [0, 9]
 * clipRange(-3, 12, undefined); // [-3, 12]
 * ```
 */
export function clipRange(lo: number, hi: number, size: number | undefined): [number, number] {
  if (size === undefined) return [lo, hi];
  return [Math.max(lo, 0), Math.min(hi, size - 1)];
}

/**
 * Collects pixel coordinates into preallocated buffers of `capacity` entries (the bounding-box area),
 * then trims them into a {@link PixelCoords}.
 */
export class PixelCollector {
  private readonly rr: Int32Array;
  private readonly cc: Int32Array;
  private n = 0;

  constructor(capacity: number) {
    const size = Math.max(0, capacity);
    this.rr = new Int32Array(size);
    this.cc = new Int32Array(size);
  }

  /** Appends pixel `(r, c)`. */
  push(r: number, c: number): void {
    this.rr[this.n] = r;
    this.cc[this.n] = c;
    this.n++;
  }

  /** The collected pixels (copies trimmed to the count). */
  finish(): PixelCoords {
    return { rr: this.rr.slice(0, this.n), cc: this.cc.slice(0, this.n) };
  }
}

/**
 * Sets `target[r * width + c] = value` for every pixel of `coords` inside `[0, height) x [0, width)`
 * (pixels outside are skipped, so unclipped shapes never wrap around as negative numpy indices would).
 * `target` is a row-major `height x width` image.
 *
 * @example
 * ```ts
 * const mask = new Uint8Array(4 * 4);
 * paintPixels(mask, 4, 4, disk([1, 1], 1.5, { shape: [4, 4] }), 1);
 * ```
 */
export function paintPixels(
  target: { [i: number]: number; readonly length: number },
  height: number,
  width: number,
  coords: PixelCoords,
  value: number,
): void {
  if (target.length < height * width) {
    fail(
      'paintPixels',
      `target has ${target.length} elements; expected at least height*width = ${height * width}`,
    );
  }
  const { rr, cc } = coords;
  for (let k = 0; k < rr.length; k++) {
    const r = rr[k];
    const c = cc[k];
    if (r >= 0 && r < height && c >= 0 && c < width) target[r * width + c] = value;
  }
}
