import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/setup.js';
import { runPostDemo } from '../experiment/post-demo.js';
import {
  objectAt,
  postLabLosses,
  postLabStart,
  setAnnotatedMode,
  toggleAnnotatedClass,
  toggleObject,
} from './post-lab.js';
import { parsePostSettings, parseTrainSettings, postSettingsQuery } from './settings.js';
import { LabTrainer } from './train-session.js';

await setupBackend('wasm');

test('the post page state gives segloss demo numbers exactly, for two settings', () => {
  for (const o of [{}, { seed: 7, n: 6, size: 48, missing: 2, quality: 3 }]) {
    const demo = runPostDemo(o);
    const lab = postLabLosses(postLabStart(o));
    assert.equal(lab.standardFull, demo.standardFullReference);
    assert.equal(lab.standardFullTensor, demo.standardFullTensor);
    assert.equal(lab.standardMissing, demo.standardMissing);
    assert.equal(lab.missingAwareMissing, demo.missingAwareMissing);
    assert.deepEqual(Array.from(lab.maps[0].map), Array.from(demo.mapStandardMissing.data));
    assert.deepEqual(Array.from(lab.maps[1].map), Array.from(demo.mapMissingAware.data));
  }
  // The README's seed-0 numbers.
  assert.equal(postLabLosses(postLabStart()).standardMissing.toFixed(6), '0.362385');
});

test('dropping an object: cross-entropy pays -log p_bg on it, the missing-aware loss 0 where it is predicted', () => {
  const s0 = postLabStart({ seed: 3, n: 4, size: 32, missing: 0 });
  const [, h, w] = s0.labels.shape;
  const p = h * w;
  // Image 1's square (class 2), found through its centre pixel.
  const cy = Math.round((3 * h) / 4);
  const cx = Math.round((3 * w) / 4);
  assert.equal(objectAt(s0, 1, cy, cx), 2);
  const before = postLabLosses(s0);
  const s1 = toggleObject(s0, 1, 2);
  assert.deepEqual(s1.dropped, [{ image: 1, class: 2 }]);
  assert.equal(s1.explicitMask.data[1 * 4 + 2], 0);
  const after = postLabLosses(s1);
  const ce = after.maps[0].map;
  const ma = after.maps[1].map;
  let inside = 0;
  for (let k = 0; k < s0.labels.data.length; k++) {
    const pred = s0.predictions.data.subarray(4 * k, 4 * k + 4);
    const argmax = pred.indexOf(Math.max(...pred));
    if (Math.floor(k / p) === 1 && s0.labels.data[k] === 2) {
      inside++;
      assert.ok(Math.abs(ce[k] + Math.log(pred[0])) < 1e-5, `pixel ${k}: cross-entropy is -log p_bg`);
      if (argmax === 2) assert.equal(ma[k], 0, `pixel ${k}: predicted square, square unannotated`);
    } else {
      assert.equal(ce[k], before.maps[0].map[k]);
      // Image 1's background pixels predicted as a square also lose their term: the square is now
      // a class with no annotation in that image. Everything else is unchanged.
      const unannotated = Math.floor(k / p) === 1 && argmax === 2 && s0.labels.data[k] === 0;
      assert.equal(ma[k], unannotated ? 0 : before.maps[1].map[k]);
    }
  }
  assert.ok(inside > 20);
  assert.ok(after.standardMissing > before.standardMissing);
  assert.ok(after.missingAwareMissing < after.standardMissing);
  // Restoring gives the starting numbers back.
  assert.equal(postLabLosses(toggleObject(s1, 1, 2)).standardMissing, before.standardMissing);
});

test('explicit annotated sets: the annotator record equals inference here; claiming a dropped class annotated brings its cost back', () => {
  const s = postLabStart({ seed: 3, n: 4, size: 32, missing: 2 });
  const inferred = postLabLosses(s);
  const explicit = postLabLosses(setAnnotatedMode(s, 'explicit'));
  // Every post image holds all three objects, so the record (dropped = 0) and inference agree.
  assert.equal(explicit.missingAwareMissing, inferred.missingAwareMissing);
  const d = s.dropped[0];
  const claimed = postLabLosses(toggleAnnotatedClass(setAnnotatedMode(s, 'explicit'), d.image, d.class));
  assert.ok(claimed.missingAwareMissing > explicit.missingAwareMissing);
  assert.throws(() => toggleObject(s, 0, 0), /segloss: postLab.toggleObject: object \(0, 0\)/);
  assert.throws(() => setAnnotatedMode(s, 'x' as 'explicit'), /expected 'inferred' or 'explicit'/);
});

test('URL settings: defaults, the example, one-line errors', () => {
  assert.deepEqual(parsePostSettings(''), { n: 8, size: 64, missing: 2, seed: 0, quality: 3 });
  const s = parsePostSettings('?seed=7&n=6&size=48&missing=2&quality=3');
  assert.equal(postSettingsQuery(s), '?seed=7&n=6&size=48&missing=2&quality=3');
  assert.throws(
    () => parsePostSettings('?n=0'),
    /segloss: lab post page: URL parameter n='0'; expected an integer in \[1, 16\]/,
  );
  assert.throws(() => parsePostSettings('?n=2&missing=7'), /missing='7'; expected an integer in \[0, 6\]/);
  assert.deepEqual(parseTrainSettings('?seed=3&loss=focal,dice').losses, ['focal', 'dice']);
  assert.deepEqual(parseTrainSettings('?size=64&batch=16&filters=16&bn=0&workers=2'), {
    seed: 1,
    losses: ['crossentropy', 'missing-aware-crossentropy'],
    missingRate: 0.3,
    maxSteps: 0,
    size: 64,
    batchSize: 16,
    baseFilters: 16,
    batchNorm: false,
    workers: 2,
  });
  assert.equal(parseTrainSettings('').workers, 0); // the page chooses
  assert.throws(
    () => parseTrainSettings('?batch=4&workers=5'),
    /workers='5'; expected an integer in \[0, 4\]/,
  );
  assert.throws(() => parseTrainSettings('?size=30'), /size='30'; expected a multiple of 4/);
  assert.throws(() => parseTrainSettings('?loss=nope'), /segloss: getLoss: unknown loss 'nope'/);
  assert.throws(
    () => parseTrainSettings('?loss=dice,focal,jaccard,tversky'),
    /names 4 losses; expected 1 to 3/,
  );
});

test('LabTrainer: 20 steps lower every loss, tensors stay flat, same seed gives the same models', async () => {
  const t = new LabTrainer({
    losses: ['crossentropy', 'missing-aware-crossentropy'],
    seed: 1,
    trainN: 32,
    size: 16,
    baseFilters: 4,
  });
  const first = await t.step();
  const counts: number[] = [];
  let last = first;
  for (let i = 1; i < 20; i++) {
    last = await t.step();
    counts.push(tf.memory().numTensors);
  }
  assert.ok(last[0] < first[0] && last[1] < first[1], `${first} -> ${last}`);
  assert.equal(new Set(counts).size, 1, `numTensors ${counts}`);
  const v = t.validate();
  assert.equal(tf.memory().numTensors, counts[0]);
  assert.equal(v.predictions[0].length, 12 * 16 * 16);
  assert.ok(v.meanIoU.every((m) => m >= 0 && m <= 1));
  const again = new LabTrainer({ losses: ['crossentropy'], seed: 1, trainN: 32, size: 16, baseFilters: 4 });
  assert.equal((await again.step())[0], first[0]);
  await t.dispose();
  await again.dispose();
  assert.throws(
    () => new LabTrainer({ losses: [] }),
    /segloss: LabTrainer: losses has 0 entries; expected 1 to 3/,
  );
  assert.throws(() => new LabTrainer({ size: 30 }), /size is 30; expected a multiple of 4/);
});
