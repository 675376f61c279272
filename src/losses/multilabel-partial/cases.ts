import { ndarray } from '../../core/ndarray.js';

const exactly = { smoothNr: 0, smoothDr: 0 };
const l8 = -Math.log(0.8);

/** The multilabel-partial case table, run by both implementations. */
export const multilabelPartialCases = [
  {
    name: 'only class a annotated: BCE and Dice of a',
    options: { ...exactly, annotated: ndarray([1, 0], [1, 2]) },
    yTrue: ndarray([1, 0], [1, 1, 2]),
    yPred: ndarray([0.8, 0.9], [1, 1, 2]),
    expected: l8 + (1 - 1.6 / 1.8), // 0.33425466
    source: 'hand: BCE -log 0.8; Dice 1 - 2 * 0.8 / (1 + 0.8)',
  },
  {
    name: 'overlapping classes, both annotated',
    options: exactly,
    yTrue: ndarray([1, 1, 0, 1], [1, 2, 2]),
    yPred: ndarray([0.8, 0.6, 0.3, 0.9], [1, 2, 2]),
    expected:
      (l8 - Math.log(0.6) - Math.log(0.7) - Math.log(0.9)) / 4 +
      (1 - 1.6 / 2.1 + (1 - (2 * 1.5) / (2 + 1.5))) / 2,
    source: 'hand: BCE mean of 4 elements; Dice a = 1 - 1.6/2.1, b = 1 - 3/3.5',
  },
  {
    name: 'per image: image 1 annotates only class b',
    options: { ...exactly, annotated: ndarray([1, 1, 0, 1], [2, 2]) },
    yTrue: ndarray([1, 0, 0, 1], [2, 1, 2]),
    yPred: ndarray([0.8, 0.2, 0.5, 0.6], [2, 1, 2]),
    expected: (2 * l8 - Math.log(0.6)) / 3 + (1 - 1.6 / 1.8 + 1 + (1 - 1.2 / 1.6)) / 3,
    source: 'hand: BCE over 3 kept elements; Dice entries a0 = 1 - 1.6/1.8, b0 = 1 - 0/0.2, b1 = 1 - 1.2/1.6',
  },
  {
    name: 'empty annotated set scores 0',
    options: { annotated: ndarray([0, 0], [1, 2]) },
    yTrue: ndarray([1, 0], [1, 1, 2]),
    yPred: ndarray([0.1, 0.9], [1, 1, 2]),
    expected: 0,
    source: 'hand: no annotated class in the batch: both terms 0 (documented)',
  },
  {
    name: 'one channel (binary), sum',
    options: { ...exactly, reduction: 'sum', lambdaDice: 2 },
    yTrue: ndarray([1, 0], [1, 2, 1]),
    yPred: ndarray([0.8, 0.4], [1, 2, 1]),
    expected: l8 - Math.log(0.6) + 2 * (1 - 1.6 / 2.2),
    source: 'hand: BCE sum; Dice 1 - 2 * 0.8 / (1 + 1.2), weight 2',
  },
];
