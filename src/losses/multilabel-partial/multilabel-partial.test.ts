import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { multilabelPartialReference } from './reference.js';
import { multilabelPartial } from './tensor.js';
import { multilabelPartialCases } from './cases.js';
import { binaryCrossEntropyReference } from '../binary-crossentropy/reference.js';
import { diceReference } from '../dice/reference.js';
import {
  checkIgnoredPixels,
  checkSigmoidOutputs,
  randomMultiHot,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('multilabel-partial', multilabelPartialCases);
checkSigmoidOutputs('multilabel-partial', 3, { fromLogits: true });
checkSigmoidOutputs('multilabel-partial', 3, {
  fromLogits: true,
  annotated: ndarray([1, 0, 1, 0, 1, 1, 1, 1, 0], [3, 3]),
});
checkSigmoidOutputs('multilabel-partial', 1, { batch: true });
checkIgnoredPixels('multilabel-partial', { fromLogits: true, annotated: 'infer' });

test('multilabel-partial: equals BCE + Dice with the same mask; unannotated classes change nothing', () => {
  const y = randomMultiHot(41, 2, 6, 3);
  const z = ndarray(
    Array.from({ length: 36 }, (_, i) => Math.sin(i * 1.7) * 2),
    [2, 6, 3],
  );
  const a = ndarray([1, 0, 1, 0, 1, 1], [2, 3]);
  const opts = { fromLogits: true, annotated: a };
  const total = multilabelPartialReference(y, z, opts).data[0];
  const bce = binaryCrossEntropyReference(y, z, opts).data[0];
  const d = diceReference(y, z, { ...opts, mode: 'multilabel' }).data[0];
  assert.ok(Math.abs(total - (bce + d)) < 1e-6, `${total} = ${bce} + ${d}`);
  // Changing predictions and labels of unannotated (image, class) pairs leaves the loss unchanged.
  const z2 = Float32Array.from(z.data);
  const y2 = Float32Array.from(y.data);
  for (let i = 0; i < 6; i++) {
    z2[i * 3 + 1] = 5;
    y2[i * 3 + 1] = 1 - y2[i * 3 + 1];
    z2[(6 + i) * 3] = -4;
  }
  const moved = multilabelPartialReference(ndarray(y2, y.shape), ndarray(z2, z.shape), opts).data[0];
  assert.ok(Math.abs(moved - total) < 1e-6, `${moved} = ${total}`);
});

test('multilabel-partial: an empty annotated set gives value 0 and zero gradient', () => {
  const y = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  const z = tf.tensor3d([
    [
      [0.3, -1],
      [2, 0.4],
    ],
  ]);
  const f = (x: tf.Tensor) => multilabelPartial(y, x, { fromLogits: true, annotated: tf.tensor2d([[0, 0]]) });
  assert.equal(f(z).dataSync()[0], 0);
  assert.ok(Array.from(tf.grad(f)(z).dataSync()).every((v) => v === 0));
  tf.dispose([y, z]);
});

test('multilabel-partial: bad inputs name the loss', () => {
  const y = ndarray([1, 0], [1, 1, 2]);
  const p = ndarray([0.8, 0.3], [1, 1, 2]);
  assert.throws(
    () => multilabelPartialReference(y, p, { reduction: 'none' }),
    /segloss: multilabel-partial: option 'reduction' is "none"; expected mean or sum/,
  );
  assert.throws(
    () => multilabelPartialReference(y, p, { lambdaBce: -1 }),
    /segloss: multilabel-partial: option 'lambdaBce' is -1/,
  );
  assert.throws(
    () => multilabelPartialReference(y, p, { annotated: ndarray([1], [1, 1]) }),
    /segloss: multilabel-partial: annotated has shape \[1,1\]; expected \[1,2\]/,
  );
});
