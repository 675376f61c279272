import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, parseNpy, readNpy, toNdArray, writeNpy } from './npy.js';
import { ndarray } from '../core/ndarray.js';

// Fixtures written by numpy 2.4 with src/data/fixtures/make_npy.py.
const fx = (name: string) => join(import.meta.dirname, 'fixtures', name);
const base = [0.5, -1.25, 3.0, 1e-3, 2.5e6, -0.0];

test('readNpy: <f4 fixture (numpy) gives float32 values and shape', () => {
  const a = readNpy(fx('f4.npy'));
  assert.equal(a.dtype, 'f4');
  assert.deepEqual(a.shape, [2, 3]);
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual([...a.data], [...Float32Array.from(base)]);
  assert.equal(Object.is(a.data[5], -0), true, 'negative zero survives');
});

test('readNpy: <f8 fixture keeps float64 precision', () => {
  const a = readNpy(fx('f8.npy'));
  assert.equal(a.dtype, 'f8');
  assert.ok(a.data instanceof Float64Array);
  assert.deepEqual([...a.data], base);
});

test('readNpy: |u1, |b1, <i4, <i8 fixtures', () => {
  const u1 = readNpy(fx('u1.npy'));
  assert.equal(u1.dtype, 'u1');
  assert.deepEqual([...u1.data], [0, 1, 2, 127, 200, 255]);
  const b1 = readNpy(fx('b1.npy'));
  assert.equal(b1.dtype, 'b1');
  assert.deepEqual(b1.shape, [4]);
  assert.deepEqual([...b1.data], [1, 0, 1, 1]);
  const i4 = readNpy(fx('i4.npy'));
  assert.ok(i4.data instanceof Int32Array);
  assert.deepEqual([...i4.data], [-2147483648, -1, 0, 1, 7, 2147483647]);
  const i8 = readNpy(fx('i8.npy'));
  assert.ok(i8.data instanceof BigInt64Array);
  assert.deepEqual([...i8.data], [-(2n ** 40n), -1n, 0n, 2n ** 40n + 3n]);
  // float32 has a 24-bit mantissa: 2^40 + 3 rounds to 2^40, as numpy astype(float32) does
  assert.deepEqual([...toNdArray(i8).data], [-(2 ** 40), -1, 0, 2 ** 40]);
});

test('readNpy: scalar, empty and 4-D arrays', () => {
  const s = readNpy(fx('scalar_f8.npy'));
  assert.deepEqual(s.shape, []);
  assert.deepEqual([...s.data], [3.25]);
  const e = readNpy(fx('empty_f4.npy'));
  assert.deepEqual(e.shape, [0, 3]);
  assert.equal(e.data.length, 0);
  const x = toNdArray(readNpy(fx('nhwc_f4.npy')));
  assert.deepEqual(x.shape, [2, 2, 3, 2]);
  // np.arange(24).reshape(2,2,3,2)/4 in C order: element [1,0,2,1] is flat index 12+4+1 = 17 -> 4.25
  assert.equal(x.data[17], 4.25);
});

test('readNpy: header versions 1.0, 2.0 and 3.0 decode the same array', () => {
  for (const v of ['v1', 'v2', 'v3']) {
    const bytes = readFileSync(fx(`${v}.npy`));
    assert.equal(bytes[6], Number(v[1]));
    const a = readNpy(fx(`${v}.npy`));
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual([...a.data], [1, 2, 3, 4]);
  }
});

test('writeNpy/readNpy: round trip for every dtype, header is 64-byte aligned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-npy-'));
  try {
    const cases = [
      { data: Float32Array.of(1.5, -2, 0.1), shape: [3], dtype: 'f4' as const },
      { data: Float64Array.of(0.1, 1e300), shape: [1, 2], dtype: 'f8' as const },
      { data: Uint8Array.of(0, 255, 7, 8), shape: [2, 2], dtype: 'u1' as const },
      { data: Uint8Array.of(1, 0), shape: [2], dtype: 'b1' as const },
      { data: Int32Array.of(-5, 6), shape: [2, 1], dtype: 'i4' as const },
      { data: BigInt64Array.of(-(2n ** 62n), 9n), shape: [2], dtype: 'i8' as const },
    ];
    for (const c of cases) {
      const p = join(dir, `${c.dtype}.npy`);
      writeNpy(p, c);
      const bytes = readFileSync(p);
      const headerLen = bytes[8] + 256 * bytes[9];
      assert.equal((10 + headerLen) % 64, 0);
      const back = readNpy(p);
      assert.equal(back.dtype, c.dtype);
      assert.deepEqual(back.shape, c.shape);
      assert.deepEqual([...back.data], [...c.data]);
    }
    writeNpy(join(dir, 'nd.npy'), ndarray([1, 2, 3, 4, 5, 6], [1, 2, 3]));
    const nd = readNpy(join(dir, 'nd.npy'));
    assert.equal(nd.dtype, 'f4');
    assert.deepEqual(nd.shape, [1, 2, 3]);
    // only the written files remain: no temporary files
    assert.deepEqual(readdirSync(dir).sort(), [
      'b1.npy',
      'f4.npy',
      'f8.npy',
      'i4.npy',
      'i8.npy',
      'nd.npy',
      'u1.npy',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encodeNpy: bytes match numpy for the same array (v1 fixture)', () => {
  const ours = encodeNpy({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] });
  assert.deepEqual([...ours], [...readFileSync(fx('v1.npy'))]);
});

test('readNpy: errors name the file and the problem', () => {
  const cases: [string, RegExp][] = [
    ['fortran_f4.npy', /readNpy: .*fortran_f4\.npy: Fortran-order arrays are not supported/],
    ['bigendian_f4.npy', /readNpy: .*bigendian_f4\.npy: dtype '>f4' is big-endian/],
    ['object.npy', /readNpy: .*object\.npy: dtype '\|O' is not supported/],
    ['complex.npy', /readNpy: .*complex\.npy: dtype '<c8' is not supported/],
    ['missing.npy', /readNpy: .*missing\.npy: file not found/],
  ];
  for (const [name, re] of cases) assert.throws(() => readNpy(fx(name)), re);
  const good = readFileSync(fx('f4.npy'));
  assert.throws(
    () => parseNpy(good.subarray(0, good.length - 1), 't.npy'),
    /readNpy: t\.npy: file is truncated/,
  );
  assert.throws(() => parseNpy(good.subarray(0, 40), 't.npy'), /readNpy: t\.npy: file is truncated: header/);
  assert.throws(() => parseNpy(Uint8Array.of(1, 2, 3), 't.npy'), /not a \.npy file/);
  const v9 = Uint8Array.from(good);
  v9[6] = 9;
  assert.throws(() => parseNpy(v9, 't.npy'), /format version 9\.0 is not supported/);
  const corrupt = Uint8Array.from(good);
  corrupt.set(new TextEncoder().encode("'dexcr'"), 11);
  assert.throws(() => parseNpy(corrupt, 't.npy'), /header has no 'descr'/);
  const badShape = Uint8Array.from(good);
  const at = Buffer.from(good).indexOf('(2, 3)');
  badShape.set(new TextEncoder().encode('(2, x)'), at);
  assert.throws(() => parseNpy(badShape, 't.npy'), /shape \(2, x\) is not a tuple of integers/);
});

test('writeNpy: rejects mismatched shape or dtype', () => {
  assert.throws(() => encodeNpy({ data: Float32Array.of(1, 2), shape: [3] }), /writeNpy: arr has 2 elements/);
  assert.throws(
    () => encodeNpy({ data: Float32Array.of(1), shape: [1], dtype: 'i4' }),
    /dtype 'i4' does not match data of type Float32Array/,
  );
  assert.throws(() => encodeNpy({ data: Uint8Array.of(2), shape: [1], dtype: 'b1' }), /values 0 or 1/);
});
