import { ndarray } from '../../core/ndarray.js';

const KERAS = 'Keras 3 keras/src/losses/losses.py, BinaryCrossentropy docstring';
// Keras' docstring inputs: four samples of one channel, written here as one image of four pixels.
const kerasTrue = ndarray([0, 1, 0, 0], [1, 4, 1]);
const kerasLogits = ndarray([-18.6, 0.51, 2.94, -12.8], [1, 4, 1]);
const l8 = -Math.log(0.8);

/** The binary cross-entropy case table, run by both implementations. */
export const binaryCrossEntropyCases = [
  {
    name: 'Keras docstring: from logits, mean',
    options: { fromLogits: true },
    yTrue: kerasTrue,
    yPred: kerasLogits,
    expected: 0.865,
    source: `${KERAS}: bce(y_true, y_pred) -> 0.865 (printed to 3 digits)`,
    tolerance: 5e-4,
  },
  {
    name: 'one channel, probabilities: t = 1, p = 0.8',
    yTrue: ndarray([1], [1, 1, 1]),
    yPred: ndarray([0.8], [1, 1, 1]),
    expected: l8,
    source: 'hand: -log 0.8',
  },
  {
    name: 'logit 0 on a positive and on a negative',
    options: { fromLogits: true, reduction: 'none' },
    yTrue: ndarray([1, 0], [1, 2, 1]),
    yPred: ndarray([0, 0], [1, 2, 1]),
    expected: [Math.LN2, Math.LN2],
    source: 'hand: softplus(0) = log 2',
  },
  {
    name: 'posWeight 3 multiplies the positive term only',
    options: { posWeight: 3 },
    yTrue: ndarray([1, 0], [1, 2, 1]),
    yPred: ndarray([0.8, 0.3], [1, 2, 1]),
    expected: (3 * l8 - Math.log(0.7)) / 2,
    source: "hand: PyTorch's pos_weight, (3 (-log 0.8) + (-log 0.7)) / 2",
  },
  {
    name: 'labelSmoothing 0.2: t = 0.9',
    options: { labelSmoothing: 0.2 },
    yTrue: ndarray([1], [1, 1, 1]),
    yPred: ndarray([0.8], [1, 1, 1]),
    expected: -(0.9 * Math.log(0.8) + 0.1 * Math.log(0.2)),
    source: "hand: Keras' t (1 - ls) + ls / 2",
  },
  {
    name: 'multi-label, overlapping classes: map = mean over channels',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 1, 0, 1], [1, 2, 2]),
    yPred: ndarray([0.8, 0.6, 0.3, 0.9], [1, 2, 2]),
    expected: [(l8 - Math.log(0.6)) / 2, (-Math.log(0.7) - Math.log(0.9)) / 2],
    source: "hand: Keras' mean over the last axis",
  },
  {
    name: 'annotated [1, 0]: mean over the kept elements only',
    options: { annotated: ndarray([1, 0], [1, 2]) },
    yTrue: ndarray([1, 0, 0, 1], [1, 2, 2]),
    yPred: ndarray([0.8, 0.9, 0.3, 0.1], [1, 2, 2]),
    expected: (l8 - Math.log(0.7)) / 2,
    source: 'hand: class 1 unannotated; two kept elements',
  },
  {
    name: 'annotated per image: kept elements weigh equally across images',
    options: { annotated: ndarray([1, 1, 0, 1], [2, 2]) },
    yTrue: ndarray([1, 0, 0, 1], [2, 1, 2]),
    yPred: ndarray([0.8, 0.2, 0.5, 0.6], [2, 1, 2]),
    expected: (l8 + l8 - Math.log(0.6)) / 3,
    source: 'hand: image 0 keeps 2 elements, image 1 keeps 1 (class 1): 3 elements',
  },
  {
    name: 'empty annotated set scores 0',
    options: { annotated: ndarray([0, 0], [1, 2]) },
    yTrue: ndarray([1, 0], [1, 1, 2]),
    yPred: ndarray([0.1, 0.9], [1, 1, 2]),
    expected: 0,
    source: 'hand: nothing annotated, nothing to learn (documented)',
  },
  {
    name: 'ignored pixel leaves the mean',
    options: { ignoreMask: ndarray([0, 1], [1, 2]) },
    yTrue: ndarray([1, 0], [1, 2, 1]),
    yPred: ndarray([0.8, 0.99], [1, 2, 1]),
    expected: l8,
    source: 'hand: one valid pixel',
  },
];
