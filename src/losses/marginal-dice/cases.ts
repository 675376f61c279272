import { ndarray } from '../../core/ndarray.js';

// One image, two pixels, classes {bg, 1, 2}: pixel 0 labelled bg, pixel 1 labelled class 1; class 2 is
// never labelled, so 'infer' gives A = [1, 1, 0] and q_0 = p_0 + p_2.
const y = ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]);
const p = ndarray([0.5, 0.1, 0.4, 0.2, 0.8, 0], [1, 2, 3]);
const exactly = { smoothNr: 0, smoothDr: 0 };
const bgMerged = 1 - 1.8 / 2.1; // t_0 = [1, 0], q_0 = [0.9, 0.2]: 1 - 2 * 0.9 / (1 + 1.1)
const class1 = 1 - 1.6 / 1.9; // t_1 = [0, 1], q_1 = [0.1, 0.8]: 1 - 2 * 0.8 / (1 + 0.9)

/** The marginal Dice case table, run by both implementations (marginal-dice.test.ts). */
export const marginalDiceCases = [
  {
    name: 'unannotated class 2 merged into the background',
    options: exactly,
    yTrue: y,
    yPred: p,
    expected: (bgMerged + class1) / 2, // 0.15037594
    source: 'hand: q = [[0.9, 0.1], [0.2, 0.8]] over {bg, 1}',
  },
  {
    name: 'reduction none: the unannotated column is 0',
    options: { ...exactly, reduction: 'none' },
    yTrue: y,
    yPred: p,
    expected: [bgMerged, class1, 0],
    source: 'hand: as above, class 2 has weight 0',
  },
  {
    name: 'every class annotated: plain Dice over three classes',
    options: { ...exactly, annotated: ndarray([1, 1, 1], [1, 3]) },
    yTrue: y,
    yPred: p,
    expected: (1 - 1 / 1.7 + class1 + 1) / 3,
    source: 'hand: bg 1 - 2 * 0.5 / (1 + 0.7); class 2 empty target, predicted 0.4: loss 1',
  },
  {
    name: 'explicit mask [1, 0, 1]: class-1 pixels merge into the background target too',
    options: { ...exactly, annotated: ndarray([1, 0, 1], [1, 3]) },
    yTrue: y,
    yPred: p,
    expected: (1 - 3.2 / 3.6 + 1) / 2,
    source: 'hand: t_0 = [1, 1], q_0 = [0.6, 1.0]: 1 - 2 * 1.6 / (2 + 1.6); class 2: loss 1',
  },
  {
    name: 'from logits: softmax of log-probabilities',
    options: { ...exactly, fromLogits: true },
    yTrue: y,
    yPred: ndarray([0.5, 0.1, 0.4, 0.2, 0.7, 0.1].map(Math.log), [1, 2, 3]),
    expected: (1 - 1.8 / 2.2 + 1 - 1.4 / 1.8) / 2,
    source: 'hand: softmax(log p) = p; q = [[0.9, 0.1], [0.3, 0.7]]',
  },
];
