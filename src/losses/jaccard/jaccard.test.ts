import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { jaccardReference } from './reference.js';
import { jaccard } from './tensor.js';
import { jaccardCases } from './cases.js';
import { diceReference } from '../dice/reference.js';
import {
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('jaccard', jaccardCases);
checkRandomParity('jaccard', [
  {},
  { fromLogits: true, reduction: 'none' },
  { batch: true, annotated: 'infer' },
]);
checkGradient('jaccard', {});
checkGradient('jaccard', { fromLogits: true, squaredPred: true });
checkIgnoredPixels('jaccard', { fromLogits: true });

test('jaccard: equals dice with jaccard: true, and J = D / (2 - D) per entry without smoothing', () => {
  const yTrue = randomOneHot(41, 2, 30, 3);
  const { probs } = randomPredictions(42, 2, 30, 3);
  const j = jaccardReference(yTrue, probs, { reduction: 'none' });
  assert.deepEqual(
    Array.from(j.data),
    Array.from(diceReference(yTrue, probs, { jaccard: true, reduction: 'none' }).data),
  );
  const exactly = { smoothNr: 0, smoothDr: 0, reduction: 'none' } as const;
  const jd = jaccardReference(yTrue, probs, exactly).data;
  const dd = diceReference(yTrue, probs, exactly).data;
  for (let i = 0; i < jd.length; i++) {
    const d = 1 - dd[i];
    assert.ok(Math.abs(1 - jd[i] - d / (2 - d)) < 1e-6, `entry ${i}`);
  }
});

test('jaccard: bad input: unknown option jaccard (the loss is always Jaccard)', () => {
  assert.throws(
    () => jaccard(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0, 1]]]), { jaccard: true } as never),
    /segloss: jaccard: unknown option 'jaccard'/,
  );
});
