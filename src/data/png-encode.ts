import { PNG } from 'pngjs';
import { crc32, deflateSync } from 'node:zlib';
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

/**
 * Encodes 8-bit palette indices as a palette PNG (colour type 3, bit depth 8, one PLTE entry per
 * colour), the format of Pascal VOC's `SegmentationClass` masks. Chunks are length, type, data and
 * the CRC-32 of type + data (PNG spec, section 5.3); the IDAT is the zlib stream of the filtered
 * rows (filter byte 0 = none before each row).
 *
 * @example
 * ```ts
 * encodePalettePng(2, 1, Uint8Array.of(0, 1), [[0, 0, 0], [128, 0, 0]]);
 * ```
 */
export function encodePalettePng(
  width: number,
  height: number,
  indices: Uint8Array,
  palette: readonly (readonly number[])[],
): Uint8Array {
  if (indices.length !== width * height) {
    fail(
      'encodePalettePng',
      `indices has ${indices.length} bytes; expected width*height = ${width * height}`,
    );
  }
  if (palette.length < 1 || palette.length > 256)
    fail('encodePalettePng', `palette has ${palette.length} colours; expected 1 to 256`);
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++)
    rows.set(indices.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flatMap((c) => [c[0], c[1], c[2]]))),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
