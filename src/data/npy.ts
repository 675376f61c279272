import { readFileSync } from 'node:fs';
import { fail } from '../core/errors.js';
import { sizeOf, type NdArray, type Shape } from '../core/ndarray.js';
import { writeFileAtomic } from './atomic.js';

/**
 * Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), C order, little-endian.
 *
 * Layout (NumPy's "NEP 1" format description): the magic `\x93NUMPY`, a major and minor version byte,
 * a header length (uint16 for v1, uint32 for v2/v3), an ASCII (v1/v2) or UTF-8 (v3) Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline so that
 * the data starts at a multiple of 64 bytes, then the raw element bytes.
 *
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

/** The element types segloss reads and writes: NumPy names without the byte-order character. */
export type NpyDtype = 'f4' | 'f8' | 'u1' | 'b1' | 'i4' | 'i8';

/** Typed array holding the elements of each {@link NpyDtype}. */
export type NpyData = Float32Array | Float64Array | Uint8Array | Int32Array | BigInt64Array;

/** A decoded `.npy` array: the elements in C (row-major) order, the dtype and the shape. */
export interface NpyArray {
  readonly data: NpyData;
  readonly dtype: NpyDtype;
  readonly shape: Shape;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_SIZE: Record<NpyDtype, number> = { f4: 4, f8: 8, u1: 1, b1: 1, i4: 4, i8: 8 };

/** Maps a `descr` string to a supported dtype, or explains why it is not supported. */
function parseDescr(where: string, descr: string): NpyDtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) fail(where, `dtype '${descr}' is not supported (structured or object arrays cannot be read)`);
  const [, order, kind, size] = m;
  const key = `${kind}${size}`;
  if (!(key in ITEM_SIZE)) {
    fail(where, `dtype '${descr}' is not supported; expected one of <f4, <f8, |u1, |b1, <i4, <i8`);
  }
  if (order === '>' && ITEM_SIZE[key as NpyDtype] > 1) {
    fail(where, `dtype '${descr}' is big-endian; expected little-endian ('<'), e.g. arr.astype('<f4')`);
  }
  return key as NpyDtype;
}

/** Parses the Python dict literal of a `.npy` header. */
function parseHeader(where: string, header: string): { dtype: NpyDtype; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!header.trimStart().startsWith('{') && !descr) fail(where, 'header is not a Python dict literal');
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(header))
      fail(where, 'structured dtypes are not supported; expected a plain dtype');
    fail(where, "header has no 'descr' string; the file is corrupt");
  }
  if (!fortran) fail(where, "header has no 'fortran_order'; the file is corrupt");
  if (!shape) fail(where, "header has no 'shape' tuple; the file is corrupt");
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : NaN));
  if (dims.some((d) => !Number.isSafeInteger(d)))
    fail(where, `header shape (${shape[1]}) is not a tuple of integers`);
  return { dtype: parseDescr(where, descr[1]), fortran: fortran[1] === 'True', shape: dims };
}

/**
 * Decodes the bytes of a `.npy` file. `name` (a file name) is used in error messages.
 *
 * @throws SeglossError `segloss: readNpy: <name>: ...` for a bad magic, unsupported version, Fortran
 *   order, big-endian or unsupported dtype (object, complex, structured), or a truncated file.
 * @example
 * ```ts
 * parseNpy(readFileSync('a.npy'), 'a.npy'); // {data: Float32Array [...], dtype: 'f4', shape: [2, 3]}
 * ```
 */
export function parseNpy(bytes: Uint8Array, name = '<bytes>'): NpyArray {
  const where = `readNpy: ${name}`;
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(where, 'not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = bytes[6];
  if (major < 1 || major > 3)
    fail(where, `format version ${major}.${bytes[7]} is not supported; expected 1, 2 or 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(where, 'file is truncated inside the header length');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLen;
  if (bytes.length < start)
    fail(where, `file is truncated: header needs ${start} bytes but the file has ${bytes.length}`);
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  const header = decoder.decode(bytes.subarray(8 + lenBytes, start));
  const { dtype, fortran, shape } = parseHeader(where, header);
  const count = sizeOf(shape);
  if (fortran && shape.length > 1 && count > 1) {
    fail(where, 'Fortran-order arrays are not supported; save with np.ascontiguousarray(arr)');
  }
  const nbytes = count * ITEM_SIZE[dtype];
  if (bytes.length - start < nbytes) {
    fail(
      where,
      `file is truncated: shape (${shape.join(', ')}) needs ${nbytes} data bytes, found ${bytes.length - start}`,
    );
  }
  // Copy into a fresh, aligned buffer: the data offset is a multiple of 64 in the file but the
  // Uint8Array may start anywhere in a pooled Buffer.
  // (Buffer#slice is a view, so copy explicitly.)
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(start, start + nbytes));
  const raw = copy.buffer;
  const data: NpyData =
    dtype === 'f4'
      ? new Float32Array(raw)
      : dtype === 'f8'
        ? new Float64Array(raw)
        : dtype === 'i4'
          ? new Int32Array(raw)
          : dtype === 'i8'
            ? new BigInt64Array(raw)
            : new Uint8Array(raw);
  return { data, dtype, shape };
}

/**
 * Converts a decoded array to a float32 {@link NdArray} (int64 values beyond 2^24 lose precision, as
 * in `arr.astype(np.float32)`).
 */
export function toNdArray(arr: NpyArray): NdArray {
  const out = new Float32Array(arr.data.length);
  if (arr.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(arr.data[i]);
  } else {
    out.set(arr.data);
  }
  return { data: out, shape: [...arr.shape] };
}

/** Reads a `.npy` file; errors are `segloss: readNpy: <path>: ...`. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`readNpy: ${path}`, code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`);
  }
  return parseNpy(bytes, path);
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'f4';
  if (data instanceof Float64Array) return 'f8';
  if (data instanceof Int32Array) return 'i4';
  if (data instanceof BigInt64Array) return 'i8';
  return 'u1';
}

/**
 * Encodes an array as `.npy` bytes (version 1.0, or 2.0 when the header exceeds 65535 bytes). The dtype
 * defaults to the one of the typed array (`Uint8Array` → `|u1`; pass `dtype: 'b1'` for booleans).
 */
export function encodeNpy(arr: NdArray | { data: NpyData; shape: Shape; dtype?: NpyDtype }): Uint8Array {
  const where = 'writeNpy';
  const dtype = ('dtype' in arr && arr.dtype) || dtypeOf(arr.data);
  if (sizeOf(arr.shape) !== arr.data.length) {
    fail(
      where,
      `arr has ${arr.data.length} elements but shape (${arr.shape.join(', ')}) needs ${sizeOf(arr.shape)}`,
    );
  }
  if (dtypeOf(arr.data) !== (dtype === 'b1' ? 'u1' : dtype)) {
    fail(where, `dtype '${dtype}' does not match data of type ${arr.data.constructor.name}`);
  }
  if (dtype === 'b1' && (arr.data as Uint8Array).some((v) => v > 1)) {
    fail(where, "dtype 'b1' needs data values 0 or 1");
  }
  const descr = `${ITEM_SIZE[dtype] === 1 ? '|' : '<'}${dtype}`;
  const shapeText = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = dict.length + 12 > 65535 ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + arr.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), total);
  return out;
}

/**
 * Writes an array as a `.npy` file atomically (temporary file, then rename). Float32 {@link NdArray}s are
 * written as `<f4`.
 *
 * @example
 * ```ts
 * writeNpy('x.npy', ndarray([1, 2, 3, 4], [2, 2])); // np.load('x.npy') -> float32 [[1, 2], [3, 4]]
 * ```
 */
export function writeNpy(
  path: string,
  arr: NdArray | { data: NpyData; shape: Shape; dtype?: NpyDtype },
): void {
  writeFileAtomic('writeNpy', path, encodeNpy(arr));
}
