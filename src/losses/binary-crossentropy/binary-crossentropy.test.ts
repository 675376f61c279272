import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { binaryCrossEntropyReference } from './reference.js';
import { binaryCrossEntropy } from './tensor.js';
import { binaryCrossEntropyCases } from './cases.js';
import { checkIgnoredPixels, checkSigmoidOutputs, runCaseTable } from '../../../test/helpers/loss-harness.js';

runCaseTable('binary-crossentropy', binaryCrossEntropyCases);
checkSigmoidOutputs('binary-crossentropy', 1, {});
checkSigmoidOutputs('binary-crossentropy', 1, { fromLogits: true, posWeight: 2.5 });
checkSigmoidOutputs('binary-crossentropy', 3, { fromLogits: true, labelSmoothing: 0.1, annotated: 'infer' });
checkSigmoidOutputs('binary-crossentropy', 3, {
  posWeight: [1, 2, 0.5],
  annotated: ndarray([1, 0, 1, 1, 1, 0, 0, 1, 1], [3, 3]),
});
checkIgnoredPixels('binary-crossentropy', { fromLogits: true });

test('binary-crossentropy: an unannotated channel and an empty annotated set get exactly zero gradient', () => {
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
  const grad = (a: number[]) =>
    tf
      .grad((x: tf.Tensor) => binaryCrossEntropy(y, x, { fromLogits: true, annotated: tf.tensor2d([a]) }))(z)
      .arraySync() as number[][][];
  const g = grad([1, 0]);
  assert.equal(g[0][0][1], 0);
  assert.equal(g[0][1][1], 0);
  assert.ok(Math.abs(g[0][0][0]) > 1e-3);
  assert.ok(
    grad([0, 0])
      .flat(2)
      .every((v) => v === 0),
  );
  tf.dispose([y, z]);
});

test('binary-crossentropy: with logits, large |z| stays finite and matches probabilities', () => {
  const y = ndarray([1, 0], [1, 2, 1]);
  const big = binaryCrossEntropyReference(y, ndarray([-60, 60], [1, 2, 1]), { fromLogits: true }).data[0];
  assert.ok(Math.abs(big - 60) < 1e-9, `softplus(60) = 60, got ${big}`);
  const z = [0.4, -1.3];
  const fromLogits = binaryCrossEntropyReference(y, ndarray(z, [1, 2, 1]), { fromLogits: true }).data[0];
  const probs = ndarray(
    z.map((v) => 1 / (1 + Math.exp(-v))),
    [1, 2, 1],
  );
  assert.ok(Math.abs(binaryCrossEntropyReference(y, probs).data[0] - fromLogits) < 1e-6);
});

const y = ndarray([1, 0], [1, 1, 2]);
const p = ndarray([0.8, 0.3], [1, 1, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  ['negative posWeight', () => binaryCrossEntropyReference(y, p, { posWeight: -1 }), /'posWeight' is -1/],
  [
    'posWeight of the wrong length',
    () => binaryCrossEntropyReference(y, p, { posWeight: [1, 2, 3] }),
    /option 'posWeight' has 3 entries; expected 2/,
  ],
  [
    'labelSmoothing 1',
    () => binaryCrossEntropyReference(y, p, { labelSmoothing: 1 }),
    /'labelSmoothing' is 1/,
  ],
  [
    'probability above 1',
    () => binaryCrossEntropyReference(y, ndarray([0.8, 1.5], [1, 1, 2])),
    /yPred has 1.5/,
  ],
  [
    'annotated shape',
    () => binaryCrossEntropyReference(y, p, { annotated: ndarray([1], [1, 1]) }),
    /annotated has shape \[1,1\]; expected \[1,2\]/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`binary-crossentropy: bad input: ${name}`, () => {
    assert.throws(
      call,
      (e: Error) => message.test(e.message) && e.message.startsWith('segloss: binary-crossentropy: '),
    );
  });
}
