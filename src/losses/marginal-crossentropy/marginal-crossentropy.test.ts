import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { marginalCrossEntropyReference } from './reference.js';
import { marginalCrossEntropy } from './tensor.js';
import { marginalCrossEntropyCases } from './cases.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import { crossEntropy } from '../crossentropy/tensor.js';
import {
  checkGradient,
  checkIgnoreContract,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  rng,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

const NAME = 'marginal-crossentropy';

/** A seeded random binary [N, C] mask (background column forced to 1 by the loss anyway). */
function randomMask(seed: number, n: number, c: number): ReturnType<typeof ndarray> {
  const r = rng(seed);
  return ndarray(
    Array.from({ length: n * c }, () => (r() < 0.5 ? 1 : 0)),
    [n, c],
  );
}

runCaseTable(NAME, marginalCrossEntropyCases);
checkRandomParity(NAME, [
  {},
  { fromLogits: true },
  { reduction: 'none' },
  { reduction: 'sum', fromLogits: true },
]);
checkRandomParityWith(NAME, 'explicit random masks (labels on unannotated classes)', (n, c) => ({
  annotated: randomMask(3 * n + c, n, c),
}));
checkRandomParityWith(NAME, 'explicit random masks, logits, map', (n, c) => ({
  annotated: randomMask(5 * n + c, n, c),
  fromLogits: true,
  reduction: 'none',
}));
checkGradient(NAME, {});
checkGradient(NAME, { fromLogits: true });
checkGradient(NAME, { fromLogits: true, annotated: ndarray([1, 0, 0, 1, 1, 0], [2, 3]) });
checkIgnoreContract(NAME, {});
checkIgnoreContract(NAME, { fromLogits: true });

test(`${NAME}: equals cross-entropy when every class is annotated (reference and tensor, probs and logits)`, () => {
  const yTrue = randomOneHot(41, 3, 25, 4);
  const pred = randomPredictions(42, 3, 25, 4);
  const all = ndarray(new Float32Array(12).fill(1), [3, 4]);
  for (const fromLogits of [false, true]) {
    const yPred = fromLogits ? pred.logits : pred.probs;
    const ce = crossEntropyReference(yTrue, yPred, { fromLogits, reduction: 'none' }).data;
    const mr = marginalCrossEntropyReference(yTrue, yPred, {
      fromLogits,
      annotated: all,
      reduction: 'none',
    }).data;
    for (let i = 0; i < ce.length; i++)
      assert.ok(Math.abs(mr[i] - ce[i]) < 1e-6, `pixel ${i}: ${mr[i]} = ${ce[i]}`);
    const [a, b] = tf.tidy(() => {
      const y = tf.tensor(yTrue.data, [3, 25, 4]);
      const p = tf.tensor(yPred.data, [3, 25, 4]);
      return [
        marginalCrossEntropy(y, p, { fromLogits, annotated: all }).dataSync()[0],
        crossEntropy(y, p, { fromLogits }).dataSync()[0],
      ];
    });
    assert.ok(Math.abs(a - b) < 1e-6, `tensor ${a} = ${b}`);
  }
});

test(`${NAME}: never above cross-entropy on one-hot labels (merging only adds probability)`, () => {
  const yTrue = randomOneHot(43, 3, 25, 4);
  const { probs } = randomPredictions(44, 3, 25, 4);
  const ce = crossEntropyReference(yTrue, probs, { reduction: 'none' }).data;
  const mr = marginalCrossEntropyReference(yTrue, probs, { reduction: 'none' }).data;
  let lower = 0;
  for (let i = 0; i < ce.length; i++) {
    assert.ok(mr[i] <= ce[i] + 1e-7, `pixel ${i}: ${mr[i]} <= ${ce[i]}`);
    if (mr[i] < ce[i] - 1e-4) lower++;
  }
  assert.ok(lower > 0, 'some background pixels gain from the merge');
});

test(`${NAME}: gradient of the check value matches the merged softmax`, () => {
  // dL/dz_k = softmax(z)_k - [k in {0, 2}] softmax(z)_k / q_0 at a background pixel, class 2 unannotated.
  const z = [2, 0.5, 1];
  const e = z.map(Math.exp);
  const s = e.reduce((a, b) => a + b);
  const sm = e.map((v) => v / s);
  const q0 = sm[0] + sm[2];
  const expected = [sm[0] - sm[0] / q0, sm[1], sm[2] - sm[2] / q0];
  const g = tf.tidy(() =>
    tf
      .grad((x: tf.Tensor) =>
        marginalCrossEntropy(tf.tensor3d([[[1, 0, 0]]]), x, {
          fromLogits: true,
          annotated: tf.tensor2d([[1, 1, 0]]),
        }),
      )(tf.tensor3d([[z]]))
      .dataSync(),
  );
  for (let k = 0; k < 3; k++)
    assert.ok(Math.abs(g[k] - expected[k]) < 1e-6, `dz_${k}: ${g[k]} = ${expected[k]}`);
});

const y = ndarray([1, 0, 0], [1, 1, 3]);
const p = ndarray([0.5, 0.2, 0.3], [1, 1, 3]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'annotated not binary',
    () => marginalCrossEntropyReference(y, p, { annotated: ndarray([1, 0.5, 0], [1, 3]) }),
    /annotated has 0.5 at flat index 1; expected 0 or 1/,
  ],
  [
    'tensor: annotated not binary',
    () =>
      marginalCrossEntropy(tf.tensor3d([[[1, 0, 0]]]), tf.tensor3d([[[0.5, 0.2, 0.3]]]), {
        annotated: tf.tensor2d([[1, 0.5, 0]]),
      }),
    /annotated has 0.5 at flat index 1; expected 0 or 1/,
  ],
  [
    'annotated of the wrong shape',
    () => marginalCrossEntropyReference(y, p, { annotated: ndarray([1, 1], [1, 2]) }),
    /annotated has shape \[1,2\]; expected \[1,3\]/,
  ],
  [
    'unknown option',
    () => marginalCrossEntropyReference(y, p, { classWeights: [1, 1, 1] } as never),
    /unknown option 'classWeights'/,
  ],
  [
    'probabilities above 1',
    () => marginalCrossEntropyReference(y, ndarray([0.5, 0.2, 1.3], [1, 1, 3])),
    /yPred has 1.29\d* at flat index 2; expected values in \[0, 1\]/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`${NAME}: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) => message.test(err.message) && err.message.startsWith(`segloss: ${NAME}: `),
    );
  });
}
