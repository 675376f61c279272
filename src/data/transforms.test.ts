// Training transforms and the batch stream: hand cases, and a resumed stream equal to an uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../synth/random.js';
import { arraySource } from './item-source.js';
import { BatchStream } from './batch-stream.js';
import { augmentItem, normalizeImage, resizeBilinear, resizeNearest } from './transforms.js';

/** A generator whose next four uniforms are `us`. */
const fixed = (...us: number[]) => ({ uniform: () => us.shift() as number }) as unknown as Random;

const item = {
  height: 2,
  width: 3,
  image: Float32Array.of(1, 2, 3, 4, 5, 6),
  mask: Uint8Array.of(0, 1, 2, 3, 4, 5),
};

test('augmentItem: flip, crop and padding by hand', () => {
  const flip = augmentItem(item, { crop: null, scale: null, flip: true }, 1, fixed(0, 0.4, 0, 0));
  assert.deepEqual([...flip.image], [3, 2, 1, 6, 5, 4]);
  assert.deepEqual([...flip.mask], [2, 1, 0, 5, 4, 3]);
  const kept = augmentItem(item, { crop: null, scale: null, flip: true }, 1, fixed(0, 0.6, 0, 0));
  assert.deepEqual([...kept.mask], [0, 1, 2, 3, 4, 5]);
  // crop 2: rows fit exactly (start 0); columns start floor(0.9 * (3 - 2 + 1)) = 1
  const crop = augmentItem(item, { crop: 2, scale: null, flip: false }, 1, fixed(0, 0, 0.3, 0.9));
  assert.deepEqual([...crop.mask], [1, 2, 4, 5]);
  // crop 3 > height 2: image placed at row floor(0.99 * (3 - 2 + 1)) = 1, the rest ignore (255) and 0
  const pad = augmentItem(item, { crop: 3, scale: null, flip: false }, 1, fixed(0, 0, 0.99, 0));
  assert.deepEqual([...pad.mask], [255, 255, 255, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...pad.image], [0, 0, 0, 1, 2, 3, 4, 5, 6]);
});

test('resize: nearest keeps labels; bilinear with half-pixel centres', () => {
  // 2x up-sampling of [0, 1]: source x = (dst + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1
  assert.deepEqual([...resizeBilinear(Float32Array.of(0, 1), 1, 2, 1, 1, 4)], [0, 0.25, 0.75, 1]);
  assert.deepEqual([...resizeNearest(Uint8Array.of(3, 7), 1, 2, 1, 4)], [3, 3, 7, 7]);
  assert.deepEqual([...resizeNearest(Uint8Array.of(1, 2, 3, 4), 1, 4, 1, 2)], [2, 4]);
  const s = augmentItem(item, { crop: null, scale: [2, 2], flip: false }, 1, fixed(0, 0, 0, 0));
  assert.deepEqual([s.height, s.width], [4, 6]);
  assert.ok(s.mask.every((v) => [0, 1, 2, 3, 4, 5].includes(v)));
  assert.deepEqual(
    [...normalizeImage(Float32Array.of(0.5, 1), 2, { mean: [0.5, 0.5], std: [1, 0.25] })],
    [0, 2],
  );
});

test('BatchStream: seeded crops; resumed from a saved state it hands out the same batches', async () => {
  const n = 5;
  const h = 6;
  const w = 7;
  const images = Float32Array.from({ length: n * h * w }, (_, k) => k / (n * h * w));
  const labels = Uint8Array.from({ length: n * h * w }, (_, k) => k % 3);
  const source = arraySource(
    {
      images: { data: images, shape: [n, h, w, 1] },
      labels: { data: labels, shape: [n, h, w] },
      annotated: { data: new Float32Array(n * 3).fill(1), shape: [n, 3] },
    },
    ['a', 'b', 'c'],
  );
  const options = {
    batchSize: 2,
    seed: 3,
    augment: { crop: 4, scale: [0.8, 1.5] as [number, number], flip: true },
    normalize: null,
  };
  const straight = new BatchStream(source, options);
  const all = [];
  for (let i = 0; i < 6; i++) all.push(await straight.next());
  const first = new BatchStream(source, options);
  await first.next();
  await first.next();
  const saved = JSON.parse(JSON.stringify(first.state()));
  assert.equal(saved.batches, 2);
  const resumed = new BatchStream(source, { ...options, resume: saved });
  for (let i = 2; i < 6; i++) {
    const b = await resumed.next();
    assert.deepEqual(b.x.shape, [2, 4, 4, 1]);
    assert.deepEqual([...b.x.data], [...all[i].x.data], `batch ${i}`);
    assert.deepEqual([...b.labels], [...all[i].labels]);
  }
  const crops = new Set(all.map((b) => b.x.data.join()));
  assert.equal(crops.size, 6, 'six different batches');
});

test('augmentItem: cropping the window of the rescaled, mirrored image equals rescale, mirror, then crop', () => {
  const h = 9;
  const w = 11;
  const big = {
    height: h,
    width: w,
    image: Float32Array.from({ length: h * w * 2 }, (_, k) => Math.sin(k)),
    mask: Uint8Array.from({ length: h * w }, (_, k) => k % 7),
  };
  for (const [us, uf, uy, ux] of [
    [0.3, 0.2, 0.7, 0.1],
    [0.9, 0.8, 0.2, 0.95],
  ]) {
    const cfg = { crop: 6, scale: [0.5, 1.8] as [number, number], flip: true };
    const got = augmentItem(big, cfg, 2, fixed(us, uf, uy, ux));
    // reference: whole rescale, whole flip, then crop, with the same draws
    const s = 0.5 + 1.3 * us;
    const oh = Math.round(h * s);
    const ow = Math.round(w * s);
    let img = resizeBilinear(big.image, h, w, 2, oh, ow);
    let m = resizeNearest(big.mask, h, w, oh, ow);
    if (uf < 0.5) {
      const flipped = augmentItem(
        { height: oh, width: ow, image: img, mask: m },
        { crop: null, scale: null, flip: true },
        2,
        fixed(0, 0, 0, 0),
      );
      [img, m] = [flipped.image, flipped.mask];
    }
    const ref = augmentItem(
      { height: oh, width: ow, image: img, mask: m },
      { crop: 6, scale: null, flip: false },
      2,
      fixed(0, 0.9, uy, ux),
    );
    assert.deepEqual([...got.mask], [...ref.mask]);
    got.image.forEach((v, i) => assert.ok(Math.abs(v - ref.image[i]) < 1e-6));
  }
});
