import { ndarray } from '../../core/ndarray.js';

// One image: pixel 0 labelled bg, pixel 1 labelled class 1; class 2 is unannotated ('infer').
const y = ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]);
const p = ndarray([0.9, 0, 0.1, 0.1, 0.6, 0.3], [1, 2, 3]);
const tiny = { smoothDr: 1e-9 };
const overlap = (2 * 0.3) / (1 + 0.4); // e = [0, 1], p_2 = [0.1, 0.3]

/** The exclusion loss case table, run by both implementations (exclusion.test.ts). */
export const exclusionCases = [
  {
    name: 'unannotated class 2 predicted on labelled class-1 pixels',
    options: tiny,
    yTrue: y,
    yPred: p,
    expected: overlap, // 0.42857143
    source: 'hand: 2 * 0.3 / (sum e = 1 + sum p_2 = 0.4)',
  },
  {
    name: 'reduction none: only the unannotated column is non-zero',
    options: { ...tiny, reduction: 'none' },
    yTrue: y,
    yPred: p,
    expected: [0, 0, overlap],
    source: 'hand: as above',
  },
  {
    name: 'every class annotated: nothing to exclude, mean over no entries is 0',
    options: { ...tiny, annotated: ndarray([1, 1, 1], [1, 3]) },
    yTrue: y,
    yPred: p,
    expected: 0,
    source: 'hand: all weights 0',
  },
  {
    name: 'two unannotated classes, three pixels',
    options: tiny,
    yTrue: ndarray([1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0], [1, 3, 4]),
    yPred: ndarray([0.5, 0.1, 0.1, 0.3, 0.1, 0.6, 0.2, 0.1, 0, 0.9, 0, 0.1], [1, 3, 4]),
    expected: ((2 * 0.2) / (2 + 0.3) + (2 * 0.2) / (2 + 0.5)) / 2,
    source: 'hand: e = [0, 1, 1]; class 2: 2 * 0.2 / (2 + 0.3); class 3: 2 * 0.2 / (2 + 0.5)',
  },
  {
    name: 'only background labelled: the exclusion region is empty, loss 0',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0], [1, 2, 2]),
    yPred: ndarray([0.3, 0.7, 0.5, 0.5], [1, 2, 2]),
    expected: [0, 0],
    source: 'hand: e = 0, numerator 0',
  },
  {
    name: 'from logits: softmax of log-probabilities',
    options: { ...tiny, fromLogits: true },
    yTrue: y,
    yPred: ndarray([0.8, 0.1, 0.1, 0.1, 0.6, 0.3].map(Math.log), [1, 2, 3]),
    expected: overlap,
    source: 'hand: softmax(log p) = p; same p_2 = [0.1, 0.3]',
  },
  {
    name: "classes 'all': the labelled class is scored against the complement of its own label",
    options: { ...tiny, classes: 'all' },
    yTrue: y,
    yPred: p,
    // class 1: region 1 - y_1 = [1, 0], p_1 = [0, 0.6]: 2 * 0 / (1 + 0.6) = 0; class 2 as above.
    expected: (0 + overlap) / 2,
    source: "hand: Shi et al.'s released code (expand_gt): mean over classes 1 and 2 of (0, 0.42857)",
  },
  {
    name: "classes 'all': class 1 predicted where it is known absent",
    options: { ...tiny, classes: 'all', reduction: 'none' },
    yTrue: y,
    yPred: ndarray([0.5, 0.4, 0.1, 0.1, 0.6, 0.3], [1, 2, 3]),
    expected: [0, (2 * 0.4) / (1 + 1.0), overlap],
    source: 'hand: class 1: region [1, 0], p_1 = [0.4, 0.6]: 2 * 0.4 / (1 + 1.0) = 0.4; class 2 as above',
  },
  {
    name: "classes 'all' on a fully labelled image: no exclusion term (as the authors' code)",
    options: { ...tiny, classes: 'all', annotated: ndarray([1, 1, 1], [1, 3]) },
    yTrue: y,
    yPred: p,
    expected: 0,
    source: 'hand: no unannotated foreground class, all weights 0',
  },
];
