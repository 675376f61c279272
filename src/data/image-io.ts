import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import sharp from 'sharp';
import { fail } from '../core/errors.js';

/** Size and colour of an image file, read from its header without decoding the pixels. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  /** Colour channels stored in the file: 1 grey, 3 colour (alpha not counted). */
  readonly channels: 1 | 3;
}

/** A decoded image: `[H*W*channels]` floats in [0, 1], row-major, channels last. */
export interface DecodedImage {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/**
 * Largest image segloss decodes, in pixels (2^26, e.g. 8192 x 8192). A header declaring more is
 * rejected before any buffer is allocated, so a corrupt size field cannot allocate gigabytes.
 */
export const MAX_IMAGE_PIXELS = 2 ** 26;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function checkSize(where: string, path: string, width: number, height: number): void {
  if (!(width >= 1 && height >= 1))
    fail(`${where}: ${path}`, `header says ${width}x${height}; expected a positive size`);
  if (width * height > MAX_IMAGE_PIXELS) {
    fail(`${where}: ${path}`, `header says ${width}x${height}; expected at most ${MAX_IMAGE_PIXELS} pixels`);
  }
}

/** Reads the IHDR of PNG bytes. */
function pngHeader(where: string, path: string, b: Uint8Array): ImageHeader {
  if (b.length < 26 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR')
    fail(`${where}: ${path}`, 'PNG has no IHDR chunk first');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  checkSize(where, path, width, height);
  const colorType = b[25];
  if (![0, 2, 3, 4, 6].includes(colorType))
    fail(`${where}: ${path}`, `PNG colour type ${colorType} is not 0, 2, 3, 4 or 6`);
  return { format: 'png', width, height, channels: colorType === 0 || colorType === 4 ? 1 : 3 };
}

/**
 * Finds the JPEG frame header (SOF0..SOF15 except DHT C4, JPG C8, DAC CC) by walking the marker
 * segments from SOI: each segment is `FF xx` then a 2-byte big-endian length that includes itself.
 * The SOF payload is precision (1), height (2), width (2), components (1).
 */
function jpegHeader(where: string, path: string, b: Uint8Array): ImageHeader | 'more' {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) fail(`${where}: ${path}`, `JPEG marker expected at byte ${p}; the file is corrupt`);
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m === 0xd9 || m === 0xda) break; // EOI or SOS before any frame header
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2)
      fail(`${where}: ${path}`, `JPEG segment at byte ${p} has length ${len}; the file is corrupt`);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (p + 10 > b.length) return 'more';
      const height = (b[p + 5] << 8) | b[p + 6];
      const width = (b[p + 7] << 8) | b[p + 8];
      const comps = b[p + 9];
      checkSize(where, path, width, height);
      if (comps !== 1 && comps !== 3 && comps !== 4)
        fail(`${where}: ${path}`, `JPEG has ${comps} components; expected 1, 3 or 4`);
      return { format: 'jpeg', width, height, channels: comps === 1 ? 1 : 3 };
    }
    p += 2 + len;
  }
  return p + 4 > b.length
    ? 'more'
    : fail(`${where}: ${path}`, 'JPEG has no frame header (SOF) before its scan');
}

/**
 * Most pixels a file of `size` bytes can hold: deflate expands at most about 1032:1 (RFC 1951's
 * longest match, 258 bytes, in 2 bits), so a PNG holds at most ~1032 * size bytes of rows; a JPEG needs
 * at least a few bits per 8x8 block and component. Bounds of 1100 bytes per byte (PNG) and 4096 pixels
 * per byte (JPEG) stop a corrupt size field from allocating more than the file could decode to.
 */
export function checkExpansion(header: ImageHeader, size: number, where: string, path: string): void {
  const limit = header.format === 'png' ? 1100 * size : 4096 * size;
  if (header.width * header.height > limit) {
    fail(
      `${where}: ${path}`,
      `header says ${header.width}x${header.height}, more than ${size} bytes of ${header.format.toUpperCase()} can hold; the file is corrupt`,
    );
  }
}

/** The header of PNG or JPEG bytes (format from the signature, not the file name). */
export function parseImageHeader(bytes: Uint8Array, where: string, path = 'image'): ImageHeader {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((x, i) => bytes[i] === x))
    return pngHeader(where, path, bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const h = jpegHeader(where, path, bytes);
    if (h === 'more') fail(`${where}: ${path}`, 'JPEG ends before its frame header; the file is truncated');
    return h;
  }
  return fail(`${where}: ${path}`, 'not a PNG or JPEG file (unknown signature)');
}

/**
 * Reads the header of a PNG or JPEG file: the first 64 KiB, or the whole file when a JPEG's frame
 * header comes later (after large EXIF or ICC segments).
 *
 * @throws SeglossError `segloss: <where>: <file>: ...` when the file is missing, of another format,
 *   truncated before its header, or declares a size above {@link MAX_IMAGE_PIXELS}.
 */
export function readImageHeader(path: string, where = 'readImage'): ImageHeader {
  let head: Uint8Array;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = new Uint8Array(65536);
      const got = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    fail(`${where}: ${path}`, `cannot read (${(e as Error).message})`);
  }
  if (head.length === 65536 && head[0] === 0xff) {
    try {
      return parseImageHeader(head, where, path);
    } catch {
      return parseImageHeader(readFileSync(path), where, path);
    }
  }
  return parseImageHeader(head, where, path);
}

/**
 * Converts 8-bit pixels with `from` channels to floats in [0, 1] with `to` channels: grey is repeated
 * into R, G and B; colour becomes grey as the ITU-R BT.601 luma `0.299 R + 0.587 G + 0.114 B`.
 *
 * @example
 * ```ts
 * convertChannels(Uint8Array.of(255, 0, 0), 3, 1); // Float32Array [0.299]
 * ```
 */
export function convertChannels(px: Uint8Array, from: 1 | 3, to: 1 | 3): Float32Array {
  const n = px.length / from;
  const out = new Float32Array(n * to);
  if (from === to) for (let i = 0; i < px.length; i++) out[i] = px[i] / 255;
  else if (to === 3) {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = px[i] / 255;
  } else {
    for (let i = 0; i < n; i++)
      out[i] = (0.299 * px[3 * i] + 0.587 * px[3 * i + 1] + 0.114 * px[3 * i + 2]) / 255;
  }
  return out;
}

/**
 * Decodes PNG or JPEG bytes with sharp (libvips, off the main thread) to `channels` channels in
 * [0, 1]: alpha dropped, 16-bit samples reduced to 8 bits, colour converted by {@link convertChannels}.
 * The header is checked first ({@link parseImageHeader}); libvips fails on any decoder warning, so a
 * truncated or corrupt file is an error, not a partly grey image.
 *
 * @throws SeglossError `segloss: <where>: <path>: cannot decode ...`
 */
export async function decodeImageBytes(
  bytes: Uint8Array,
  channels: 1 | 3,
  where = 'readImage',
  path = 'image',
): Promise<DecodedImage> {
  const header = parseImageHeader(bytes, where, path);
  checkExpansion(header, bytes.length, where, path);
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS })
      .removeAlpha()
      .toColourspace(header.channels === 1 ? 'b-w' : 'srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    fail(
      `${where}: ${path}`,
      `cannot decode ${header.format.toUpperCase()} (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const { width, height } = raw.info;
  const got = raw.info.channels;
  if ((got !== 1 && got !== 3) || width !== header.width || height !== header.height) {
    fail(
      `${where}: ${path}`,
      `decoded to ${width}x${height}x${got}; expected ${header.width}x${header.height}x1 or x3`,
    );
  }
  const px = new Uint8Array(raw.data.buffer, raw.data.byteOffset, width * height * got);
  return { data: convertChannels(px, got, channels), width, height, channels };
}

/** {@link decodeImageBytes} of a file. */
export async function decodeImageFile(
  path: string,
  channels: 1 | 3,
  where = 'readImage',
): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail(`${where}: ${path}`, `cannot read (${(e as Error).message})`);
  }
  return decodeImageBytes(bytes, channels, where, path);
}
