import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disk, ellipse, paintPixels, polygon, type PixelCoords } from './index.js';
import { rasterEllipse } from './ellipse.js';
import { decodePixels, loadDrawFixtures, type DrawCase } from '../../test/helpers/draw-fixtures.js';

const fixtures = loadDrawFixtures();

function keys(p: PixelCoords): Set<string> {
  assert.equal(p.rr.length, p.cc.length);
  const out = new Set<string>();
  for (let k = 0; k < p.rr.length; k++) out.add(`${p.rr[k]},${p.cc[k]}`);
  assert.equal(out.size, p.rr.length, 'no duplicate pixels');
  return out;
}

function run(c: DrawCase): PixelCoords {
  const shape = c.args.shape ?? undefined;
  switch (c.kind) {
    case 'ellipse':
      return ellipse(c.args.r, c.args.c, c.args.rRadius, c.args.cRadius, {
        shape,
        rotation: c.args.rotation,
      });
    case 'disk':
      return disk(c.args.center, c.args.radius, { shape });
    case 'polygon':
      return polygon(c.args.r, c.args.c, { shape });
  }
}

test('fixture file covers every rasteriser with hundreds of cases', () => {
  const kinds = new Map<string, number>();
  for (const c of fixtures.cases) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  assert.ok(fixtures.cases.length >= 400, `${fixtures.cases.length} cases`);
  for (const k of ['ellipse', 'disk', 'polygon']) assert.ok((kinds.get(k) ?? 0) >= 70, k);
  assert.match(fixtures.skimage, /^0\.(19|[2-9]\d)/);
});

for (const kind of ['ellipse', 'disk', 'polygon'] as const) {
  test(`${kind}: pixel sets equal skimage.draw.${kind} on every fixture case`, () => {
    const mismatches: string[] = [];
    for (const c of fixtures.cases.filter((x) => x.kind === kind)) {
      const got = keys(run(c));
      const want = decodePixels(c);
      assert.equal(want.size, c.count);
      const missing = [...want].filter((k) => !got.has(k));
      const extra = [...got].filter((k) => !want.has(k));
      if (missing.length || extra.length) {
        mismatches.push(
          `${c.name}: missing ${missing.slice(0, 5).join(' ')} extra ${extra.slice(0, 5).join(' ')}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  });
}

test('exact-boundary ellipses (integer centres, integer and half-integer radii, 0/45/71/90 deg)', () => {
  const boundary = fixtures.cases.filter((c) => c.name.startsWith('boundary-'));
  assert.equal(boundary.length, 56);
  let flipped = 0;
  for (const c of boundary) {
    if (c.kind !== 'ellipse' || c.avx512 === undefined) throw new Error(`${c.name}: no avx512 entry`);
    const { r, c: col, rRadius, cRadius, rotation } = c.args;
    // numpy's baseline (libm) path: ellipse() itself (also checked in the loop above).
    assert.deepEqual(keys(ellipse(r, col, rRadius, cRadius, { shape: [60, 60], rotation })), decodePixels(c));
    // numpy's AVX512 path: the same evaluation with numpy's SVML sin/cos gives skimage's other pixel set.
    const avx = c.avx512;
    const trig = (): [number, number] => [avx.sin, avx.cos];
    const got = keys(rasterEllipse(r, col, rRadius, cRadius, [60, 60], rotation, trig));
    assert.deepEqual(got, decodePixels(avx), `${c.name} with numpy's AVX512 sin/cos`);
    if (avx.count !== c.count) flipped++;
  }
  // The circle of radius 10 at 71 degrees: the 12 lattice points on its boundary flip with the last bit.
  const circle = boundary.find((c) => c.name === 'boundary-15-15-10-10-71');
  assert.ok(circle !== undefined && circle.kind === 'ellipse' && circle.avx512 !== undefined);
  assert.equal(circle.count, 317);
  assert.equal(circle.avx512.count, 305);
  assert.ok(flipped >= 1, `${flipped} cases differ between numpy's two sin/cos paths`);
});

test('rasterisers emit pixels in row-major order like skimage', () => {
  const p = ellipse(10.3, 12.7, 6.1, 3.4, { rotation: -0.7, shape: [20, 20] });
  for (let k = 1; k < p.rr.length; k++) {
    assert.ok(p.rr[k] > p.rr[k - 1] || (p.rr[k] === p.rr[k - 1] && p.cc[k] > p.cc[k - 1]));
  }
});

test('hand-derived small cases', () => {
  // radius 1 about an integer centre: the 4 neighbours have d^2 = 1, not < 1, so just the centre
  assert.deepEqual([...keys(disk([2, 2], 1))], ['2,2']);
  // radius 1.5: the 3x3 block (corner d^2 = 2/2.25 < 1); a zero radius gives nothing
  assert.equal(disk([2, 2], 1.5).rr.length, 9);
  assert.equal(disk([2, 2], 0).rr.length, 0);
  assert.equal(ellipse(2, 2, 0, 3).rr.length, 0);
  // integer square: edges and vertices count, 3x3 pixels
  assert.deepEqual([...keys(polygon([1, 1, 3, 3], [1, 3, 3, 1]))].sort(), [
    '1,1',
    '1,2',
    '1,3',
    '2,1',
    '2,2',
    '2,3',
    '3,1',
    '3,2',
    '3,3',
  ]);
  // a zero-area polygon (collinear vertices): crossings cancel along the segment, only vertices remain
  assert.deepEqual([...keys(polygon([0, 2, 4], [0, 2, 4]))], ['0,0', '2,2', '4,4']);
  // a sliver of width 0.5 (not degenerate): the centres on its long edge count
  assert.equal(polygon([3, 9, 9], [4, 4, 4.5]).rr.length, 7);
  assert.deepEqual([...keys(polygon([3], [5]))], ['3,5']);
  assert.equal(polygon([3.5], [5]).rr.length, 0);
});

test('shape clips to the image; without shape coordinates may be negative', () => {
  const free = disk([0, 0], 2.5);
  assert.equal(free.rr.length, 21);
  assert.ok(Math.min(...free.rr) === -2 && Math.min(...free.cc) === -2);
  const clipped = disk([0, 0], 2.5, { shape: [10, 10] });
  assert.equal(clipped.rr.length, 8); // the quarter: r, c in 0..2 with r^2 + c^2 < 6.25, minus (2,2)
  assert.ok(clipped.rr.every((r) => r >= 0) && clipped.cc.every((c) => c >= 0));
  // rotation by pi is the identity; by -pi/2 swaps the axes
  const a = keys(ellipse(10, 10, 3, 6, { rotation: Math.PI }));
  assert.deepEqual(a, keys(ellipse(10, 10, 3, 6)));
});

test('paintPixels writes in-bounds pixels and skips the rest', () => {
  const mask = new Uint8Array(9);
  paintPixels(mask, 3, 3, disk([0, 0], 1.5), 7);
  assert.deepEqual([...mask], [7, 7, 0, 7, 7, 0, 0, 0, 0]);
  assert.throws(
    () => paintPixels(new Uint8Array(4), 3, 3, disk([0, 0], 1), 1),
    /segloss: paintPixels: target/,
  );
});

test('bad input gets errors naming the function and argument', () => {
  assert.throws(() => disk([1, 1], NaN), /segloss: disk: radius is NaN; expected a finite number/);
  assert.throws(() => disk([1, 1], -1), /segloss: disk: radius is -1; expected a radius >= 0/);
  assert.throws(() => disk([1, NaN], 2), /segloss: disk: center\[1\] is NaN/);
  assert.throws(
    () => disk([1] as unknown as [number, number], 2),
    /segloss: disk: center is \[1\]; expected \[r, c\]/,
  );
  assert.throws(() => ellipse(1, 1, NaN, 2), /segloss: ellipse: rRadius is NaN/);
  assert.throws(() => ellipse(1, 1, 2, -0.5), /segloss: ellipse: cRadius is -0.5; expected a radius >= 0/);
  assert.throws(
    () => ellipse(1, 1, 2, 2, { rotation: Infinity }),
    /segloss: ellipse: option 'rotation' is Infinity/,
  );
  assert.throws(
    () => ellipse(1, 1, 2, 2, { rotation: NaN }),
    /segloss: ellipse: option 'rotation' must be a number/,
  );
  assert.throws(() => ellipse(1, 1, 2, 2, { shape: [3] }), /segloss: ellipse: option 'shape' is \[3\]/);
  assert.throws(
    () => ellipse(1, 1, 2, 2, { shape: [3, 2.5] }),
    /expected \[rows, cols\] of non-negative integers/,
  );
  assert.throws(() => polygon([1, 2, 3], [1, 2]), /segloss: polygon: r has 3 vertices but c has 2/);
  assert.throws(() => polygon([], []), /segloss: polygon: r and c are empty/);
  assert.throws(() => polygon([1, NaN, 3], [1, 2, 3]), /segloss: polygon: r\[1\] is NaN/);
  assert.throws(
    () => polygon([1, 2, 3], [1, 2, 3], { shap: [3, 3] } as never),
    /segloss: polygon: unknown option 'shap'/,
  );
});
