import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { fail } from '../core/errors.js';
import { checkExpansion, parseImageHeader } from './image-io.js';
import { decodePngIndices } from './png-indices.js';

/** True when a PNG's PLTE chunk lists one colour twice. */
function repeatsColour(bytes: Uint8Array): boolean {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 8; p + 8 <= bytes.length;) {
    const len = v.getUint32(p);
    if (bytes[p + 4] === 0x50 && bytes[p + 5] === 0x4c && bytes[p + 6] === 0x54 && bytes[p + 7] === 0x45) {
      const seen = new Set<number>();
      for (let k = 0; k + 2 < len; k += 3) {
        const c = (bytes[p + 8 + k] << 16) | (bytes[p + 9 + k] << 8) | bytes[p + 10 + k];
        if (seen.has(c)) return true;
        seen.add(c);
      }
      return false;
    }
    p += 12 + len;
  }
  return false;
}

const WHERE = 'readDataset';

interface Decoded {
  width: number;
  height: number;
  colorType: number;
  depth: number;
  data: Uint8Array;
  palette?: number[][];
}

function decode(bytes: Uint8Array, path: string, skipRescale: boolean): Decoded {
  const header = parseImageHeader(bytes, WHERE, path); // size checked before pngjs allocates
  if (header.format !== 'png') fail(`${WHERE}: ${path}`, 'mask is a JPEG; expected a PNG of class indices');
  checkExpansion(header, bytes.length, WHERE, path);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale,
    }) as unknown as Decoded & { palette: unknown };
    return { ...png, palette: Array.isArray(png.palette) ? png.palette : undefined };
  } catch (e) {
    fail(`${WHERE}: ${path}`, `cannot decode PNG (${(e as Error).message})`);
  }
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail(`${WHERE}: ${path}`, `cannot read (${(e as Error).message})`);
  }
  return decodeMaskBytes(bytes, colors, ignoreColor, path);
}

/** {@link decodeMask} of PNG bytes (`path` only names them in errors). */
export function decodeMaskBytes(
  bytes: Uint8Array,
  colors?: readonly (readonly number[])[],
  ignoreColor: readonly number[] = [224, 224, 192],
  path = 'mask',
): { data: Uint8Array; width: number; height: number } {
  const header = parseImageHeader(bytes, WHERE, path);
  if (header.format !== 'png') fail(`${WHERE}: ${path}`, 'mask is a JPEG; expected a PNG of class indices');
  checkExpansion(header, bytes.length, WHERE, path);
  // 8-bit grey and palette masks (VOC's), the common case: indices straight from the rows. A palette
  // index is the class when the palette has no repeated colour; otherwise fall through to pngjs,
  // which maps each colour to its first palette entry.
  const fast = decodePngIndices(bytes, WHERE, path);
  if (fast !== null && (fast.colorType === 0 || !repeatsColour(bytes))) return fast;
  const png = decode(bytes, path, true);
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
