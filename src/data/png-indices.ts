import { inflateSync } from 'node:zlib';
import { fail } from '../core/errors.js';

/**
 * Decodes the 8-bit samples of a non-interlaced 8-bit grey (colour type 0) or palette (colour type 3)
 * PNG straight to one byte per pixel, the class indices of a mask, without expanding to RGBA: the
 * IDAT chunks are concatenated and inflated (zlib, native), then each row is unfiltered with its
 * filter byte (PNG spec section 9: 0 none, 1 sub, 2 up, 3 average, 4 Paeth; bytes per pixel = 1).
 * Returns null for any other PNG (the caller falls back to the general decoder).
 *
 * @throws SeglossError `segloss: <where>: <path>: ...` when the chunks or the data are corrupt.
 */
export function decodePngIndices(
  bytes: Uint8Array,
  where: string,
  path: string,
): { width: number; height: number; colorType: 0 | 3; data: Uint8Array; palette: number } | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  const depth = bytes[24];
  const colorType = bytes[25];
  const interlace = bytes[28];
  if (depth !== 8 || (colorType !== 0 && colorType !== 3) || interlace !== 0) return null;
  const idat: Uint8Array[] = [];
  let palette = 0;
  let p = 8;
  while (p + 8 <= bytes.length) {
    const len = v.getUint32(p);
    const type = String.fromCharCode(bytes[p + 4], bytes[p + 5], bytes[p + 6], bytes[p + 7]);
    if (p + 12 + len > bytes.length)
      fail(`${where}: ${path}`, `PNG chunk ${type} runs past the end of the file; the file is truncated`);
    if (type === 'IDAT') idat.push(bytes.subarray(p + 8, p + 8 + len));
    if (type === 'PLTE') palette = len / 3;
    if (type === 'IEND') break;
    p += 12 + len;
  }
  if (idat.length === 0) fail(`${where}: ${path}`, 'PNG has no IDAT chunk; the file is truncated');
  if (colorType === 3 && palette === 0) fail(`${where}: ${path}`, 'palette PNG has no PLTE palette');
  const stride = width + 1;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: stride * height + 1 });
  } catch (e) {
    fail(`${where}: ${path}`, `cannot decode PNG (${(e as Error).message})`);
  }
  if (raw.length < stride * height)
    fail(
      `${where}: ${path}`,
      `PNG data holds ${raw.length} bytes; ${width}x${height} needs ${stride * height}`,
    );
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * stride];
    const src = y * stride + 1;
    const row = y * width;
    const prev = row - width;
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? out[row + x - 1] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x > 0 && y > 0 ? out[prev + x - 1] : 0;
      const r = raw[src + x];
      let pred: number;
      if (f === 0) pred = 0;
      else if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else fail(`${where}: ${path}`, `PNG row ${y} has filter type ${f}; expected 0 to 4`);
      out[row + x] = (r + pred) & 0xff;
    }
  }
  if (colorType === 3) {
    for (let i = 0; i < out.length; i++) {
      if (out[i] >= palette)
        fail(
          `${where}: ${path}`,
          `pixel ${i} has palette index ${out[i]} but the palette has ${palette} colours`,
        );
    }
  }
  return { width, height, colorType, data: out, palette };
}
