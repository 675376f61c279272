// Seeded fuzzing of the decoders: truncated, bit-flipped and header-edited .npy, PNG and JPEG files
// give a valid result or a SeglossError, never another exception, a hang or a header-sized allocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { SeglossError } from '../core/errors.js';
import { Random } from '../synth/random.js';
import { encodeNpy, parseNpy } from './npy.js';
import { encodePalettePng, encodePng } from './png-encode.js';
import { decodeMaskBytes } from './png-io.js';
import { decodeImageBytes } from './image-io.js';

type Mutation = (b: Uint8Array, rng: Random) => Uint8Array;

const truncate: Mutation = (b, rng) => b.slice(0, Math.floor(rng.uniform() * b.length));
const flipBits: Mutation = (b, rng) => {
  const out = b.slice();
  const flips = 1 + Math.floor(rng.uniform() * 8);
  for (let i = 0; i < flips; i++)
    out[Math.floor(rng.uniform() * out.length)] ^= 1 << Math.floor(rng.uniform() * 8);
  return out;
};
/** Overwrites 2 or 4 bytes at `offsets` with a random (often huge) big-endian size. */
const editSize =
  (offsets: readonly number[], bytes: 2 | 4): Mutation =>
  (b, rng) => {
    const out = b.slice();
    const v =
      rng.uniform() < 0.5
        ? 2 ** (bytes * 8) - 1 - Math.floor(rng.uniform() * 16)
        : Math.floor(rng.uniform() * 2 ** (bytes * 8));
    const at = offsets[Math.floor(rng.uniform() * offsets.length)];
    for (let k = 0; k < bytes; k++) out[at + k] = (v >>> (8 * (bytes - 1 - k))) & 0xff;
    return out;
  };

/**
 * Runs `decode` on `cases` mutations of `valid`; a decoded result may hold at most `perByte` values per
 * input byte (the expansion bound). Returns how many decoded and how many were rejected.
 */
async function fuzz(
  name: string,
  valid: Uint8Array,
  mutations: Mutation[],
  cases: number,
  decode: (b: Uint8Array) => unknown,
  perByte: number,
): Promise<{ ok: number; rejected: number }> {
  const rng = new Random(name.length * 7919);
  let ok = 0;
  let rejected = 0;
  for (let i = 0; i < cases; i++) {
    const bytes = mutations[i % mutations.length](valid, rng);
    try {
      const out = (await decode(bytes)) as { data: { length: number } };
      assert.ok(
        out.data.length <= perByte * bytes.length,
        `${name} case ${i}: ${out.data.length} values from ${bytes.length} bytes`,
      );
      ok++;
    } catch (e) {
      if (!(e instanceof SeglossError)) assert.fail(`${name} case ${i}: ${(e as Error).stack}`);
      assert.match(e.message, /^segloss: /);
      rejected++;
    }
  }
  return { ok, rejected };
}

test('fuzz .npy: 1,000 mutated files parse or raise a segloss error', async () => {
  const valid = encodeNpy({ data: Float32Array.from({ length: 24 }, (_, i) => i), shape: [2, 3, 4] });
  // header text after the 10-byte prefix: edit its digits too
  const digits: Mutation = (b, rng) => {
    const out = b.slice();
    for (let k = 10; k < 60; k++)
      if (out[k] >= 0x30 && out[k] <= 0x39 && rng.uniform() < 0.3)
        out[k] = 0x30 + Math.floor(rng.uniform() * 10);
    return out;
  };
  const r = await fuzz('npy', valid, [truncate, flipBits, editSize([8], 2), digits], 1000, parseNpy, 1);
  assert.ok(r.rejected > 300 && r.ok > 0, JSON.stringify(r));
});

test('fuzz PNG masks: 1,200 mutated grey and palette PNGs decode or raise a segloss error', async () => {
  const grey = encodePng({ width: 13, height: 9, grey: Uint8Array.from({ length: 117 }, (_, i) => i % 4) });
  const pal = encodePalettePng(
    13,
    9,
    Uint8Array.from({ length: 117 }, (_, i) => (i % 5 === 0 ? 255 : i % 3)),
    [...Array.from({ length: 255 }, (_, i) => [i, 0, 0]), [224, 224, 192]],
  );
  for (const [name, valid] of [
    ['grey', grey],
    ['palette', pal],
  ] as const) {
    const r = await fuzz(
      name,
      valid,
      [truncate, flipBits, editSize([16, 20], 4)],
      600,
      (b) => decodeMaskBytes(b),
      1100,
    );
    assert.ok(r.rejected > 300, `${name}: ${JSON.stringify(r)}`);
  }
});

test('fuzz JPEG and PNG images: 1,200 mutated files decode or raise a segloss error', async () => {
  const w = 40;
  const h = 30;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
  const jpg = new Uint8Array(
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer(),
  );
  // the SOF0 frame header: FF C0, length (2), precision (1), height (2), width (2)
  let sof = 2;
  while (!(jpg[sof] === 0xff && jpg[sof + 1] === 0xc0)) sof += 2 + ((jpg[sof + 2] << 8) | jpg[sof + 3]);
  const png = encodePng({ width: w, height: h, rgb });
  const j = await fuzz(
    'jpeg',
    jpg,
    [truncate, flipBits, editSize([sof + 5, sof + 7], 2)],
    800,
    (b) => decodeImageBytes(b, 3),
    3 * 4096,
  );
  assert.ok(j.rejected > 200, JSON.stringify(j));
  const p = await fuzz(
    'png',
    png,
    [truncate, flipBits, editSize([16, 20], 4)],
    400,
    (b) => decodeImageBytes(b, 1),
    1100,
  );
  assert.ok(p.rejected > 200, JSON.stringify(p));
});
