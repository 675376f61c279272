// dropLabels: hand-made label maps through the three drop modes; applyLabelPlan's baselines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classComponents, dropLabels, type LabelImage } from './drop-modes.js';
import { applyLabelPlan } from '../train/label-plan.js';
import type { ItemSource } from '../data/item-source.js';

// 4x5: class 1 in two objects (the left one touching a pixel diagonally), class 2 once, one ignore pixel.
const MASK = Uint8Array.from(
  [
    [1, 1, 0, 0, 1],
    [1, 0, 0, 0, 1],
    [0, 1, 0, 2, 2],
    [0, 0, 0, 2, 255],
  ].flat(),
);
const img = (): LabelImage => ({ mask: MASK, height: 4, width: 5, annotated: Uint8Array.from([1, 1, 1, 1]) });

test('classComponents: 8-connected objects per class, ids in raster order; ignore and background excluded', () => {
  const [ids, count] = classComponents(MASK, 4, 5);
  assert.equal(count, 3);
  assert.deepEqual(
    Array.from(ids),
    [
      [1, 1, 0, 0, 2],
      [1, 0, 0, 0, 2],
      [0, 1, 0, 3, 3],
      [0, 0, 0, 3, 0],
    ].flat(),
  );
});

test('dropLabels object: rate 1 removes every object, rate 0 none; absent classes stay annotated', () => {
  const all = dropLabels([img()], { mode: 'object', rate: 1, seed: 3, numClasses: 4 });
  assert.deepEqual(
    Array.from(all.masks[0]),
    Array.from(MASK, (v) => (v === 255 ? 255 : 0)),
  );
  assert.deepEqual(Array.from(all.annotated[0]), [1, 0, 0, 1]); // class 3 absent: its absence is known
  assert.equal(all.complete[0], 0);
  assert.equal(all.removedPixels[0], 9); // 6 pixels of class 1, 3 of class 2
  const none = dropLabels([img()], { mode: 'object', rate: 0, seed: 3, numClasses: 4 });
  assert.deepEqual(Array.from(none.masks[0]), Array.from(MASK));
  assert.equal(none.complete[0], 1);
});

test('dropLabels object: one of two objects dropped leaves the class annotated (a silent error)', () => {
  // Find a seed whose three draws at rate 0.5 drop object 2 only (one of class 1's two objects).
  let seed = 0;
  let out = dropLabels([img()], { mode: 'object', rate: 0.5, seed, numClasses: 4 });
  while (!(out.masks[0][4] === 0 && out.masks[0][0] === 1 && out.masks[0][13] === 2)) {
    seed++;
    assert.ok(seed < 200, 'no seed drops exactly object 2');
    out = dropLabels([img()], { mode: 'object', rate: 0.5, seed, numClasses: 4 });
  }
  assert.equal(out.removedPixels[0], 2);
  assert.deepEqual(Array.from(out.annotated[0]), [1, 1, 1, 1]);
  assert.equal(out.complete[0], 1, 'the user cannot tell this image is incomplete');
  // The same seed gives the same labels (every method of a study sees them).
  const again = dropLabels([img()], { mode: 'object', rate: 0.5, seed, numClasses: 4 });
  assert.deepEqual(again.masks, out.masks);
});

test('dropLabels class: rate 1 unannotates every foreground class, present or absent', () => {
  const out = dropLabels([img()], { mode: 'class', rate: 1, seed: 1, numClasses: 4 });
  assert.deepEqual(Array.from(out.annotated[0]), [1, 0, 0, 0]);
  assert.equal(out.masks[0][19], 255);
  assert.equal(out.masks[0].filter((v) => v !== 0 && v !== 255).length, 0);
});

test('dropLabels subset: K groups, each annotating round(K (1 - rate)) classes in a cycle', () => {
  const six = Array.from({ length: 6 }, img);
  const sets = (rate: number) =>
    dropLabels(six, { mode: 'subset', rate, seed: 2, numClasses: 4 }).annotated.map((a) =>
      Array.from(a).join(''),
    );
  const at03 = sets(0.3); // m = round(3 * 0.7) = 2
  assert.deepEqual([...new Set(at03)].sort(), ['1011', '1101', '1110']);
  for (const s of new Set(at03)) assert.equal(at03.filter((x) => x === s).length, 2, 'two images per group');
  assert.deepEqual([...new Set(sets(0.9))].sort(), ['1001', '1010', '1100']); // m = max(1, round(0.3)) = 1
  assert.deepEqual([...new Set(sets(0))], ['1111']);
  assert.throws(
    () => dropLabels(six, { mode: 'subset', rate: 1.5, seed: 2, numClasses: 4 }),
    /^Error: segloss: dropLabels: rate is 1.5; expected a number in \[0, 1\]$|rate is 1.5; expected a number in \[0, 1\]/,
  );
});

test('applyLabelPlan: drop-incomplete keeps complete images; ignore-background ignores their background', async () => {
  const masks = [MASK, Uint8Array.from(MASK, (v) => (v === 2 ? 0 : v))];
  const source: ItemSource = {
    n: 2,
    channels: 1,
    classNames: ['background', 'a', 'b', 'c'],
    size: () => [4, 5],
    name: (i) => String(i),
    item: async (i) => ({
      height: 4,
      width: 5,
      image: new Float32Array(20).fill(i),
      mask: masks[i],
      annotated: Uint8Array.from(i === 0 ? [1, 1, 1, 1] : [1, 1, 0, 1]),
    }),
  };
  const complete = await applyLabelPlan(source, {
    drop: null,
    images: 'complete',
    ignoreIncompleteBackground: false,
  });
  assert.equal(complete.n, 1);
  assert.equal((await complete.item(0)).image[0], 0);
  const ignored = await applyLabelPlan(source, {
    drop: null,
    images: 'all',
    ignoreIncompleteBackground: true,
  });
  assert.deepEqual(Array.from((await ignored.item(0)).mask), Array.from(MASK));
  assert.deepEqual(
    Array.from((await ignored.item(1)).mask),
    Array.from(masks[1], (v) => (v === 0 ? 255 : v)),
  );
  await assert.rejects(
    () =>
      applyLabelPlan(source, {
        drop: { mode: 'class', rate: 1, seed: 0 },
        images: 'complete',
        ignoreIncompleteBackground: false,
      }),
    /no training image has complete labels after the label plan/,
  );
});
