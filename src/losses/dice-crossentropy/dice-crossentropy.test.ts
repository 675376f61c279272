import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { diceCrossEntropyReference } from './reference.js';
import { diceCrossEntropy } from './tensor.js';
import { diceCrossEntropyCases } from './cases.js';
import { diceReference } from '../dice/reference.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import {
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('dice-crossentropy', diceCrossEntropyCases);
checkRandomParity('dice-crossentropy', [
  {},
  { fromLogits: true },
  { reduction: 'sum', batch: true, lambdaCe: 0.5 },
  { includeBackground: false, squaredPred: true, fromLogits: true },
]);
checkRandomParityWith('dice-crossentropy', 'class weights for both terms', (_n, c) => ({
  classWeights: Array.from({ length: c }, (_, k) => 0.5 + k),
  fromLogits: true,
}));
checkGradient('dice-crossentropy', {});
checkGradient('dice-crossentropy', { fromLogits: true, lambdaDice: 2 });
checkIgnoredPixels('dice-crossentropy', { fromLogits: true });

test('dice-crossentropy: equals lambdaDice * dice + lambdaCe * crossentropy on random inputs', () => {
  const yTrue = randomOneHot(61, 2, 20, 3);
  const { logits } = randomPredictions(62, 2, 20, 3);
  const ignoreMask = ndarray(
    Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    [2, 20],
  );
  const both = diceCrossEntropyReference(yTrue, logits, {
    fromLogits: true,
    ignoreMask,
    lambdaDice: 0.3,
    lambdaCe: 1.7,
  }).data[0];
  const d = diceReference(yTrue, logits, { fromLogits: true, ignoreMask }).data[0];
  const ce = crossEntropyReference(yTrue, logits, { fromLogits: true, ignoreMask }).data[0];
  assert.ok(Math.abs(both - (0.3 * d + 1.7 * ce)) < 1e-6, `${both} vs ${0.3 * d + 1.7 * ce}`);
});

const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
const p = ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'reduction none',
    () => diceCrossEntropyReference(y, p, { reduction: 'none' }),
    /'reduction' is "none"; expected mean or sum/,
  ],
  ['negative lambda', () => diceCrossEntropyReference(y, p, { lambdaCe: -1 }), /'lambdaCe' is -1/],
  [
    'bad epsilon, reported as this loss',
    () => diceCrossEntropyReference(y, p, { epsilon: 3 }),
    /'epsilon' is 3/,
  ],
  [
    'shape mismatch',
    () => diceCrossEntropyReference(y, ndarray([0.5, 0.5], [1, 1, 2])),
    /yPred has shape \[1,1,2\]/,
  ],
  [
    'tensor: probability above 1',
    () => diceCrossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0, 1.5]]])),
    /yPred has values in \[0, 1.5\]/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`dice-crossentropy: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) => message.test(err.message) && err.message.startsWith('segloss: dice-crossentropy: '),
    );
  });
}
