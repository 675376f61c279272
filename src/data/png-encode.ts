import { PNG } from 'pngjs';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';

/** Pixels to write: exactly one of `rgba` (4 bytes/pixel), `rgb` (3) or `grey` (1), row-major. */
export interface PngPixels {
  readonly width: number;
  readonly height: number;
  readonly rgba?: Uint8Array;
  readonly rgb?: Uint8Array;
  readonly grey?: Uint8Array;
}

/**
 * Encodes 8-bit pixels as PNG bytes. Grey input is written as an 8-bit greyscale PNG (colour type 0,
 * so a mask's class indices survive exactly), RGB as colour type 2, RGBA as colour type 6.
 *
 * @throws SeglossError `segloss: writePng: ...` when not exactly one buffer is given or its length is
 *   not `width * height * channels`.
 */
export function encodePng(pixels: PngPixels): Uint8Array {
  const { width, height } = pixels;
  const given = (['rgba', 'rgb', 'grey'] as const).filter((k) => pixels[k] !== undefined);
  if (given.length !== 1)
    fail(
      'writePng',
      `pixels has ${given.join(', ') || 'no buffer'}; expected exactly one of rgba, rgb, grey`,
    );
  const kind = given[0];
  const channels = kind === 'rgba' ? 4 : kind === 'rgb' ? 3 : 1;
  const src = pixels[kind] as Uint8Array;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    fail('writePng', `size ${width}x${height}; expected positive integers`);
  }
  if (src.length !== width * height * channels) {
    fail(
      'writePng',
      `${kind} has ${src.length} bytes; expected width*height*${channels} = ${width * height * channels}`,
    );
  }
  const png = new PNG({ width, height });
  const rgba = png.data;
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) rgba[4 * i + k] = channels === 1 ? src[i] : src[channels * i + k];
    rgba[4 * i + 3] = channels === 4 ? src[4 * i + 3] : 255;
  }
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/**
 * Writes a PNG file atomically (temporary file, then rename).
 *
 * @example
 * ```ts
 * writePng('mask.png', { width: 2, height: 1, grey: Uint8Array.of(0, 3) });
 * ```
 */
export function writePng(path: string, pixels: PngPixels): void {
  writeFileAtomic('writePng', path, encodePng(pixels));
}
