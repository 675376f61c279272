import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, dropAnnotationsAtRate, SCENE_CLASSES, synthScenes } from './index.js';

test('synthScenes: shapes, ranges, determinism and present agreeing with labels', () => {
  const a = synthScenes({ n: 12, size: 48, seed: 7, absentRate: 0.3 });
  assert.deepEqual(a.images.shape, [12, 48, 48, 1]);
  assert.deepEqual(a.labels.shape, [12, 48, 48]);
  assert.deepEqual(a.present.shape, [12, 4]);
  assert.ok(a.images.data.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(synthScenes({ n: 12, size: 48, seed: 7, absentRate: 0.3 }), a);
  assert.notDeepEqual(synthScenes({ n: 12, size: 48, seed: 8, absentRate: 0.3 }).labels.data, a.labels.data);
  const counts = classCounts(a.labels, 4);
  for (let q = 0; q < counts.length; q++) {
    assert.equal(
      a.present.data[q],
      q % 4 === 0 || counts[q] > 0 ? 1 : 0,
      `image ${Math.floor(q / 4)} class ${q % 4}`,
    );
  }
  const absent = [...a.present.data].filter((v) => v === 0).length;
  assert.ok(absent > 0 && absent < 36, `${absent} absent of 36 objects`);
});

test('synthScenes: absentRate 1 gives empty scenes; all classes appear with absentRate 0', () => {
  const none = synthScenes({ n: 4, size: 32, seed: 1, absentRate: 1 });
  assert.ok(none.labels.data.every((v) => v === 0));
  assert.deepEqual([...none.present.data], [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  const six = synthScenes({ n: 20, size: 64, seed: 2, absentRate: 0, numClasses: SCENE_CLASSES.length });
  const counts = classCounts(six.labels, 6);
  for (let k = 1; k < 6; k++) {
    let images = 0;
    for (let i = 0; i < 20; i++) images += counts[i * 6 + k] > 0 ? 1 : 0;
    assert.ok(images >= 18, `class ${SCENE_CLASSES[k]} visible in ${images}/20 images`);
  }
});

test('synthScenes: classes differ in mean grey level from background (learnable signal)', () => {
  const s = synthScenes({ n: 16, size: 64, seed: 3, absentRate: 0 });
  const sum = new Float64Array(4);
  const cnt = new Float64Array(4);
  s.labels.data.forEach((k, q) => {
    sum[k] += s.images.data[q];
    cnt[k]++;
  });
  const mean = [...sum].map((v, k) => v / cnt[k]);
  // levels 0.55, 0.7, 0.85 (+-0.07 jitter, textures) against a background of 0.1-0.3 plus clutter
  assert.ok(mean[0] < 0.35, `background ${mean[0]}`);
  for (const [k, lo, hi] of [
    [1, 0.48, 0.62],
    [2, 0.63, 0.77],
    [3, 0.78, 0.92],
  ]) {
    assert.ok(mean[k] > lo && mean[k] < hi, `class ${k} mean ${mean[k]}`);
  }
});

test('dropAnnotationsAtRate: drops present objects at the rate, zeroes their pixels', () => {
  const s = synthScenes({ n: 40, size: 32, seed: 4, absentRate: 0.2 });
  const out = dropAnnotationsAtRate(s.labels, s.present, 0.5, 9);
  const presentObjects = [...s.present.data].filter((v, q) => v === 1 && q % 4 !== 0).length;
  assert.ok(out.dropped.length > 0.3 * presentObjects && out.dropped.length < 0.7 * presentObjects);
  for (const { image, class: k } of out.dropped) {
    assert.equal(s.present.data[image * 4 + k], 1);
    assert.equal(out.annotated.data[image * 4 + k], 0);
  }
  const dropSet = new Set(out.dropped.map((d) => `${d.image},${d.class}`));
  for (let q = 0; q < s.labels.data.length; q++) {
    const k = s.labels.data[q];
    const gone = dropSet.has(`${Math.floor(q / 1024)},${k}`);
    assert.equal(out.labels.data[q], gone ? 0 : k);
  }
  assert.equal(out.annotated.data.filter((v) => v === 0).length, out.dropped.length);
  assert.deepEqual(dropAnnotationsAtRate(s.labels, s.present, 0.5, 9), out);
  assert.equal(dropAnnotationsAtRate(s.labels, s.present, 0, 9).dropped.length, 0);
  assert.throws(
    () => dropAnnotationsAtRate(s.labels, s.present, 2, 9),
    /segloss: dropAnnotationsAtRate: rate is 2/,
  );
  assert.throws(
    () => dropAnnotationsAtRate(s.labels, { data: new Float32Array(4), shape: [1, 4] }, 0.5, 9),
    /segloss: dropAnnotationsAtRate: present has shape \[1,4\]; expected \[N, C\] with N = 40/,
  );
  assert.throws(() => synthScenes({ n: 2, size: 8, seed: 1 }), /segloss: synthScenes: option 'size' is 8/);
  assert.throws(() => synthScenes({ n: 2, size: 32, seed: 1, numClasses: 7 }), /option 'numClasses' is 7/);
});
