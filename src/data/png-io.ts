import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { PNG } from 'pngjs';
import { fail } from '../core/errors.js';

/** Size and format of a PNG, read from its IHDR chunk without decoding the pixels. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const WHERE = 'readDataset';

/** Reads the IHDR of a PNG file (first 26 bytes). Errors: `segloss: readDataset: <file>: ...`. */
export function readPngHeader(path: string): PngHeader {
  const buf = new Uint8Array(26);
  let got = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      got = readSync(fd, buf, 0, 26, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    fail(`${WHERE}: ${path}`, `cannot read (${(e as Error).message})`);
  }
  if (got < 26 || SIGNATURE.some((b, i) => buf[i] !== b))
    fail(`${WHERE}: ${path}`, 'not a PNG file (bad signature)');
  if (String.fromCharCode(...buf.subarray(12, 16)) !== 'IHDR')
    fail(`${WHERE}: ${path}`, 'PNG has no IHDR chunk first');
  const view = new DataView(buf.buffer);
  return { width: view.getUint32(16), height: view.getUint32(20), depth: buf[24], colorType: buf[25] };
}

/** Channels segloss loads from a PNG of this colour type: 1 for grey (± alpha), 3 otherwise. */
export function channelsOf(colorType: number): 1 | 3 {
  return colorType === 0 || colorType === 4 ? 1 : 3;
}

interface Decoded {
  width: number;
  height: number;
  colorType: number;
  depth: number;
  data: Uint8Array;
  palette?: number[][];
}

function decode(path: string, skipRescale: boolean): Decoded {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail(`${WHERE}: ${path}`, `cannot read (${(e as Error).message})`);
  }
  try {
    const png = PNG.sync.read(bytes, { skipRescale }) as unknown as Decoded & { palette: unknown };
    return { ...png, palette: Array.isArray(png.palette) ? png.palette : undefined };
  } catch (e) {
    fail(`${WHERE}: ${path}`, `cannot decode PNG (${(e as Error).message})`);
  }
}

/**
 * Decodes an image PNG to floats in [0, 1], `[H*W*channels]` with `channels` = 1 (grey) or 3 (RGB);
 * alpha is dropped, 16-bit samples are scaled to 8 bits by pngjs.
 */
export function decodeImage(
  path: string,
  channels: 1 | 3,
): { data: Float32Array; width: number; height: number } {
  const png = decode(path, false);
  const n = png.width * png.height;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < channels; k++) out[i * channels + k] = png.data[4 * i + k] / 255;
  }
  return { data: out, width: png.width, height: png.height };
}

/**
 * Decodes a mask PNG to class indices `[H*W]`:
 * - 8-bit (or 1/2/4-bit) greyscale: the grey value is the class index (255 = ignore);
 * - palette PNG (Pascal VOC style): the palette index, recovered by mapping each pixel's colour back to
 *   the first palette entry with that colour (pngjs expands palettes to RGBA);
 * - RGB(A): the class whose `colors` entry matches, `ignoreColor` → 255; needs `colors`.
 */
export function decodeMask(
  path: string,
  colors?: readonly (readonly number[])[],
  ignoreColor: readonly number[] = [224, 224, 192],
): { data: Uint8Array; width: number; height: number } {
  const png = decode(path, true);
  const n = png.width * png.height;
  const out = new Uint8Array(n);
  if (png.depth === 16) fail(`${WHERE}: ${path}`, 'mask is 16-bit; expected 8-bit class indices');
  if (png.colorType === 0 || png.colorType === 4) {
    for (let i = 0; i < n; i++) out[i] = png.data[4 * i];
    return { data: out, width: png.width, height: png.height };
  }
  const lookup = new Map<number, number>();
  const key = (r: number, g: number, b: number) => (r << 16) | (g << 8) | b;
  if (png.colorType === 3) {
    if (!png.palette) fail(`${WHERE}: ${path}`, 'palette PNG has no PLTE palette');
    png.palette.forEach((c, i) => {
      if (!lookup.has(key(c[0], c[1], c[2]))) lookup.set(key(c[0], c[1], c[2]), i);
    });
  } else {
    if (!colors) {
      fail(
        `${WHERE}: ${path}`,
        'mask is an RGB PNG; expected 8-bit grey or palette indices, or colours in classes.json',
      );
    }
    colors.forEach((c, i) => lookup.set(key(c[0], c[1], c[2]), i));
    lookup.set(key(ignoreColor[0], ignoreColor[1], ignoreColor[2]), 255);
  }
  for (let i = 0; i < n; i++) {
    const v = lookup.get(key(png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2]));
    if (v === undefined) {
      const rgb = [...png.data.subarray(4 * i, 4 * i + 3)].join(',');
      fail(`${WHERE}: ${path}`, `mask pixel ${i} has colour (${rgb}), which is no class colour`);
    }
    out[i] = v;
  }
  return { data: out, width: png.width, height: png.height };
}
