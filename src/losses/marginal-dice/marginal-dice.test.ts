import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { marginalDiceReference } from './reference.js';
import { marginalDice } from './tensor.js';
import { marginalDiceCases } from './cases.js';
import { diceReference } from '../dice/reference.js';
import {
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('marginal-dice', marginalDiceCases);
checkRandomParity('marginal-dice', [
  {},
  { fromLogits: true },
  { reduction: 'none', squaredPred: true },
  { batch: true, reduction: 'none', fromLogits: true },
  { includeBackground: false, reduction: 'sum' },
]);
checkRandomParityWith('marginal-dice', 'an [N, C] annotated mask and class weights', (n, c) => ({
  annotated: ndarray(
    Array.from({ length: n * c }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    [n, c],
  ),
  classWeights: Array.from({ length: c }, (_, k) => 1 + k / 2),
}));
checkGradient('marginal-dice', {});
checkGradient('marginal-dice', { fromLogits: true });
checkGradient('marginal-dice', { fromLogits: true, batch: true, squaredPred: true });
checkIgnoredPixels('marginal-dice', { fromLogits: true });

const yTrue = randomOneHot(51, 3, 30, 4);
const { probs, logits } = randomPredictions(52, 3, 30, 4);

test('marginal-dice: with every class annotated it equals dice', () => {
  const all = ndarray(new Float32Array(12).fill(1), [3, 4]);
  for (const extra of [{}, { fromLogits: true, batch: true }, { reduction: 'none' }] as const) {
    const x = 'fromLogits' in extra ? logits : probs;
    const m = marginalDiceReference(yTrue, x, { annotated: all, ...extra });
    const d = diceReference(yTrue, x, extra);
    assert.deepEqual(Array.from(m.data), Array.from(d.data), JSON.stringify(extra));
  }
});

test('marginal-dice: moving probability between background and an unannotated class changes nothing', () => {
  // image 0 labels {bg, 1}; shifting mass from bg to class 2 or 3 (unannotated) leaves q unchanged.
  const y = ndarray([1, 0, 0, 0, 0, 1, 0, 0], [1, 2, 4]);
  const a = ndarray([0.7, 0.1, 0.1, 0.1, 0.2, 0.6, 0.1, 0.1], [1, 2, 4]);
  const b = ndarray([0.1, 0.1, 0.4, 0.4, 0.05, 0.6, 0.3, 0.05], [1, 2, 4]);
  const va = marginalDiceReference(y, a).data[0];
  const vb = marginalDiceReference(y, b).data[0];
  assert.ok(Math.abs(va - vb) < 1e-6, `${va} = ${vb}`);
  assert.ok(Math.abs(diceReference(y, a).data[0] - diceReference(y, b).data[0]) > 0.05, 'plain Dice differs');
});

test('marginal-dice: an unannotated class gets the merged background gradient', () => {
  const y = tf.tensor3d([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const p = tf.tensor3d([
    [
      [0.5, 0.1, 0.4],
      [0.2, 0.8, 0],
    ],
  ]);
  const g = tf
    .grad((x: tf.Tensor) => marginalDice(y, x, { smoothNr: 0, smoothDr: 0 }))(p)
    .arraySync() as number[][][];
  assert.ok(Math.abs(g[0][0][2] - g[0][0][0]) < 1e-6 && Math.abs(g[0][1][2] - g[0][1][0]) < 1e-6);
  assert.ok(Math.abs(g[0][0][0]) > 0.01, `bg gradient ${g[0][0][0]}`);
});

test('marginal-dice: bad input: sigmoid is not an option', () => {
  const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
  assert.throws(
    () => marginalDiceReference(y, y, { activation: 'sigmoid' } as never),
    /segloss: marginal-dice: unknown option 'activation'/,
  );
  assert.throws(
    () => marginalDiceReference(y, y, { annotated: ndarray([1, 1, 1], [1, 3]) }),
    /segloss: marginal-dice: annotated has shape \[1,3\]; expected \[1,2\]/,
  );
});
