import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePixels, loadDrawFixtures } from '../../test/helpers/draw-fixtures.js';
import {
  classCounts,
  dropAnnotations,
  oneHot,
  postBatch,
  Random,
  seedMasks,
  simulateLogits,
  simulatePredictions,
} from './index.js';

const fixtures = loadDrawFixtures();

function maskKeys(mask: Uint8Array, width: number): Set<string> {
  const out = new Set<string>();
  mask.forEach((v, q) => {
    if (v) out.add(`${Math.floor(q / width)},${q % width}`);
  });
  return out;
}

test('Random: mulberry32 reference values, checkpoint/resume, ranges', () => {
  // First three outputs of the C reference mulberry32 seeded with 42 (computed independently in Python).
  const rng = new Random(42);
  assert.deepEqual([rng.uint32(), rng.uint32(), rng.uint32()], [2581720956, 1925393290, 3661312704]);
  assert.equal(new Random(42).uniform(), 2581720956 / 2 ** 32);
  const a = new Random(7);
  a.normal();
  const saved = JSON.parse(JSON.stringify(a.state()));
  const next = [a.normal(), a.uniform(), a.int(10)];
  const b = Random.fromState(saved);
  assert.deepEqual([b.normal(), b.uniform(), b.int(10)], next);
  const r = new Random(3);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < 20000; i++) {
    const k = r.int(5);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
    const z = r.normal();
    sum += z;
    sq += z * z;
  }
  assert.ok(Math.abs(sum / 20000) < 0.03 && Math.abs(sq / 20000 - 1) < 0.05, `${sum / 20000} ${sq / 20000}`);
  assert.throws(() => new Random(1.5), /segloss: Random: seed is 1.5; expected an integer/);
  assert.throws(() => r.int(0), /segloss: Random.int: n is 0/);
  assert.throws(
    () => Random.fromState({ algorithm: 'mulberry32', s: -1 }),
    /segloss: Random.fromState: state/,
  );
});

test('seedMasks equal the post masks computed by skimage', () => {
  assert.ok(fixtures.seedMasks.length >= 6);
  for (const f of fixtures.seedMasks) {
    const masks = seedMasks(f.height, f.width, f.rotationDeg);
    masks.forEach((m, k) => {
      assert.equal(m.length, f.height * f.width);
      assert.deepEqual(
        maskKeys(m, f.width),
        decodePixels(f.masks[k]),
        `${f.height}x${f.width} @${f.rotationDeg} k=${k}`,
      );
    });
  }
  // the 64x64, 0-degree counts from the fixture: ellipse 357, square 441 (21x21), disk 357
  const counts = seedMasks(64, 64, 0).map((m) => m.reduce((a, b) => a + b, 0));
  assert.deepEqual(counts, [357, 441, 357]);
  assert.deepEqual(
    counts,
    fixtures.seedMasks[0].masks.map((m) => m.count),
  );
  assert.throws(() => seedMasks(0, 64, 0), /segloss: seedMasks: height is 0; expected a positive integer/);
  assert.throws(() => seedMasks(64, 64, NaN), /segloss: seedMasks: rotationDeg is NaN/);
});

test('postBatch: seeded rotations, z-order disk over square over ellipse, oneHot', () => {
  const a = postBatch({ n: 3, height: 64, width: 64, seed: 5 });
  const b = postBatch({ n: 3, height: 64, width: 64, seed: 5 });
  const c = postBatch({ n: 3, height: 64, width: 64, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.rotationsDeg, c.rotationsDeg);
  const r = new Random(5);
  for (let i = 0; i < 3; i++) {
    const rot = r.uniform(0, 90);
    assert.equal(a.rotationsDeg[i], rot);
    const [e, s, d] = seedMasks(64, 64, rot);
    const img = a.labels.data.subarray(i * 4096, (i + 1) * 4096);
    for (let q = 0; q < 4096; q++) {
      const want = d[q] ? 3 : s[q] ? 2 : e[q] ? 1 : 0;
      assert.equal(img[q], want);
    }
  }
  // the square's top-left corner (from 37.33) lies inside the disk (centre 32, radius 10.67): disk wins
  const [, s0, d0] = seedMasks(64, 64, 0);
  const overlap = s0.reduce((n, v, q) => n + (v && d0[q] ? 1 : 0), 0);
  assert.ok(overlap > 0);
  assert.equal(a.labels.data.filter((v) => v === 2).length, 3 * (441 - overlap)); // square is rotation-free
  const y = oneHot(a.labels, 4);
  assert.deepEqual(y.shape, [3, 64, 64, 4]);
  const counts = classCounts(a.labels, 4);
  for (let k = 0; k < 4; k++) {
    let s = 0;
    for (let q = 0; q < 4096; q++) s += y.data[q * 4 + k];
    assert.equal(s, counts[k]);
  }
  assert.deepEqual([...oneHot({ data: Uint8Array.of(0, 2), shape: [1, 1, 2] }, 3).data], [1, 0, 0, 0, 0, 1]);
  assert.throws(
    () => oneHot(a.labels, 3),
    /segloss: oneHot: labels has class 3 at flat index \d+; expected classes < numClasses = 3/,
  );
  assert.throws(() => postBatch({ n: 2, height: 8, width: 8, seed: 0.5 }), /segloss: postBatch: seed is 0.5/);
});

test('dropAnnotations zeroes exactly the dropped objects and reports annotated [N,C]', () => {
  const { labels } = postBatch({ n: 4, height: 48, width: 48, seed: 11 });
  const out = dropAnnotations(labels, {
    drop: [
      [1, 2],
      [3, 3],
    ],
  });
  assert.deepEqual(out.dropped, [
    { image: 1, class: 2 },
    { image: 3, class: 3 },
  ]);
  assert.deepEqual([...out.annotated.data], [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(out.annotated.shape, [4, 4]);
  for (let q = 0; q < labels.data.length; q++) {
    const i = Math.floor(q / (48 * 48));
    const v = labels.data[q];
    const gone = (i === 1 && v === 2) || (i === 3 && v === 3);
    assert.equal(out.labels.data[q], gone ? 0 : v);
  }
  const changed = out.labels.data.reduce((n, v, q) => n + (v !== labels.data[q] ? 1 : 0), 0);
  const counts = classCounts(labels, 4);
  assert.equal(changed, counts[1 * 4 + 2] + counts[3 * 4 + 3]);
  assert.ok(counts[1 * 4 + 2] > 0 && counts[3 * 4 + 3] > 0);
  // count: exactly `count` distinct present objects, seeded
  const c1 = dropAnnotations(labels, { count: 5, seed: 2 });
  const c2 = dropAnnotations(labels, { count: 5, seed: 2 });
  const c3 = dropAnnotations(labels, { count: 5, seed: 3 });
  assert.equal(c1.dropped.length, 5);
  assert.deepEqual(c1, c2);
  assert.notDeepEqual(c1.dropped, c3.dropped);
  assert.equal(
    c1.annotated.data.reduce((a, b) => a + b, 0),
    16 - 5,
  );
  // rate 0 drops nothing, rate 1 drops every object
  assert.deepEqual(dropAnnotations(labels, { rate: 0 }).labels, labels);
  const all = dropAnnotations(labels, { rate: 1, seed: 4 });
  assert.ok(all.labels.data.every((v) => v === 0));
  assert.equal(all.dropped.length, 12);
  assert.throws(
    () => dropAnnotations(labels, { count: 1, rate: 0.5 }),
    /segloss: dropAnnotations: got 2 of the options/,
  );
  assert.throws(
    () => dropAnnotations(labels, { drop: [[4, 1]] }),
    /segloss: dropAnnotations: drop\[0\] is \[4, 1\]/,
  );
  assert.throws(() => dropAnnotations(labels, { drop: [[0, 0]] }), /class in \[1, 4\)/);
  assert.throws(
    () => dropAnnotations(labels, { count: 13 }),
    /option 'count' is 13; expected an integer in \[0, 12\]/,
  );
  assert.throws(() => dropAnnotations(labels, { rate: 1.5 }), /option 'rate' is 1.5/);
});

test('simulatePredictions: seeded, rows sum to 1, argmax agrees with truth at high quality', () => {
  const { labels } = postBatch({ n: 2, height: 32, width: 32, seed: 1 });
  const p = simulatePredictions(labels, 4, { quality: 8, seed: 3 });
  assert.deepEqual(p.shape, [2, 32, 32, 4]);
  let wrongLow = 0;
  const low = simulatePredictions(labels, 4, { quality: 0.5, seed: 3 });
  for (let q = 0; q < labels.data.length; q++) {
    const row = p.data.subarray(q * 4, q * 4 + 4);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.equal(row.indexOf(Math.max(...row)), labels.data[q]);
    const lrow = low.data.subarray(q * 4, q * 4 + 4);
    if (lrow.indexOf(Math.max(...lrow)) !== labels.data[q]) wrongLow++;
  }
  assert.ok(wrongLow > 0.2 * labels.data.length, `low quality errs: ${wrongLow}`);
  // logits: quality on the true class plus N(0,1) drawn in order from Random(seed)
  const z = simulateLogits(labels, 4, { quality: 2, seed: 9 });
  const r = new Random(9);
  for (let j = 0; j < 8; j++) {
    const truth = labels.data[Math.floor(j / 4)] === j % 4 ? 2 : 0;
    assert.equal(z.data[j], Math.fround(truth + r.normal()));
  }
  assert.deepEqual(simulateLogits(labels, 4, { quality: 2, seed: 9 }), z);
  assert.notDeepEqual(simulateLogits(labels, 4, { quality: 2, seed: 10 }).data, z.data);
  assert.throws(
    () => simulatePredictions(labels, 4, { quality: -1, seed: 1 }),
    /segloss: simulatePredictions: option 'quality' is -1/,
  );
  assert.throws(() => simulateLogits(labels, 4, { quality: 1, seed: 1, noise: 0 }), /option 'noise' is 0/);
});
