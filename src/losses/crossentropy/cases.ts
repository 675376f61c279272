import { ndarray } from '../../core/ndarray.js';

// Hand-derived values: every expected number is written as the formula it comes from.
const y2 = ndarray([1, 0, 0, 0, 0, 1], [1, 2, 3]); // [N=1, P=2, C=3]: pixel 0 background, pixel 1 class 2
const p2 = ndarray([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], [1, 2, 3]);
// Label smoothing 0.1 over C = 3 on y2/p2: y' = 0.9 y + 0.1 / 3 per pixel.
const smooth0 = -((0.9 + 0.1 / 3) * Math.log(0.7) + (0.1 / 3) * Math.log(0.2) + (0.1 / 3) * Math.log(0.1)); // 0.46330
const smooth1 = -((0.1 / 3) * Math.log(0.1) + (0.1 / 3) * Math.log(0.3) + (0.9 + 0.1 / 3) * Math.log(0.6)); // 0.59366

/** The cross-entropy case table, run by both implementations (crossentropy.test.ts). */
export const crossEntropyCases = [
  {
    name: 'one pixel, true class at 0.8',
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0.2, 0.8], [1, 1, 2]),
    expected: -Math.log(0.8), // 0.22314355
    source: 'hand: -log 0.8',
  },
  {
    name: 'two pixels, mean',
    yTrue: y2,
    yPred: p2,
    expected: (-Math.log(0.7) - Math.log(0.6)) / 2, // 0.43375028
    source: 'hand: (-log 0.7 - log 0.6) / 2',
  },
  {
    name: 'two pixels, sum',
    options: { reduction: 'sum' },
    yTrue: y2,
    yPred: p2,
    expected: -Math.log(0.7) - Math.log(0.6),
    source: 'hand: -log 0.7 - log 0.6',
  },
  {
    name: 'two pixels, map',
    options: { reduction: 'none' },
    yTrue: y2,
    yPred: p2,
    expected: [-Math.log(0.7), -Math.log(0.6)],
    source: 'hand: per-pixel -log p_true',
  },
  {
    name: 'rank 4 [1, 1, 2, 3] gives the same mean as [1, 2, 3]',
    yTrue: ndarray(y2.data, [1, 1, 2, 3]),
    yPred: ndarray(p2.data, [1, 1, 2, 3]),
    expected: (-Math.log(0.7) - Math.log(0.6)) / 2,
    source: 'hand: layout invariance',
  },
  {
    name: 'from logits z = [2, 0.5, 1], background',
    options: { fromLogits: true },
    yTrue: ndarray([1, 0, 0], [1, 1, 3]),
    yPred: ndarray([2, 0.5, 1], [1, 1, 3]),
    expected: Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(1)) - 2, // 0.46436878
    source: 'hand: logsumexp(z) - z_0',
  },
  {
    name: 'from logits, large logits stay finite',
    options: { fromLogits: true },
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([1000, 0], [1, 1, 2]),
    expected: 1000, // logsumexp(1000, 0) - 0 = 1000 + log(1 + e^-1000)
    source: 'hand: stable log-softmax',
  },
  {
    name: 'p = 0 on the true class is clipped to epsilon',
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([1, 0], [1, 1, 2]),
    expected: -Math.log(1e-7), // 16.118096
    source: 'hand: -log eps',
  },
  {
    name: 'p = 1 on the true class costs about eps',
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0, 1], [1, 1, 2]),
    expected: 1e-7,
    source: 'hand: -log(1 - eps) ~ eps',
    tolerance: 1e-6,
  },
  {
    name: 'soft label [0.5, 0.5] on p = [0.5, 0.5]',
    yTrue: ndarray([0.5, 0.5], [1, 1, 2]),
    yPred: ndarray([0.5, 0.5], [1, 1, 2]),
    expected: Math.log(2),
    source: 'hand: -(0.5 log 0.5 + 0.5 log 0.5)',
  },
  {
    name: 'ignored pixel leaves the mean and the sum',
    options: { ignoreMask: ndarray([0, 1], [1, 2]) },
    yTrue: y2,
    yPred: p2,
    expected: -Math.log(0.7),
    source: 'hand: only pixel 0 counts, mean over 1 valid pixel',
  },
  {
    name: 'every pixel ignored gives 0',
    options: { ignoreMask: ndarray([1, 1], [1, 2]) },
    yTrue: y2,
    yPred: p2,
    expected: 0,
    source: 'hand: mean over zero valid pixels is defined as 0',
  },
  {
    name: 'class weights [0.5, 1, 2]: PyTorch weighted mean divides by sum of w_{y_i}',
    options: { classWeights: [0.5, 1, 2] },
    yTrue: y2,
    yPred: p2,
    expected: (0.5 * -Math.log(0.7) + 2 * -Math.log(0.6)) / (0.5 + 2), // 0.48000
    source: 'hand: PyTorch CrossEntropyLoss(weight) mean = sum w_{y_i} l_i / sum w_{y_i}',
  },
  {
    name: 'class weights, sum',
    options: { classWeights: [0.5, 1, 2], reduction: 'sum' },
    yTrue: y2,
    yPred: p2,
    expected: 0.5 * -Math.log(0.7) + 2 * -Math.log(0.6),
    source: "hand: PyTorch reduction='sum' = sum w_{y_i} l_i",
  },
  {
    name: 'class weights, map',
    options: { classWeights: [0.5, 1, 2], reduction: 'none' },
    yTrue: y2,
    yPred: p2,
    expected: [0.5 * -Math.log(0.7), 2 * -Math.log(0.6)],
    source: "hand: PyTorch reduction='none' = w_{y_i} l_i",
  },
  {
    name: 'uniform class weights [2, 2, 2] leave the mean unchanged',
    options: { classWeights: [2, 2, 2] },
    yTrue: y2,
    yPred: p2,
    expected: (-Math.log(0.7) - Math.log(0.6)) / 2,
    source: 'hand: 2 (l_0 + l_1) / (2 + 2)',
  },
  {
    name: 'class weights with an ignored pixel: the denominator counts valid pixels only',
    options: { classWeights: [0.5, 1, 2], ignoreMask: ndarray([0, 1], [1, 2]) },
    yTrue: y2,
    yPred: p2,
    expected: -Math.log(0.7),
    source: 'hand: (0.5 l_0) / 0.5',
  },
  {
    name: 'label smoothing 0.1, rank 3 [1, 2, 3]: smoothed over C = 3, not over P = 2',
    options: { labelSmoothing: 0.1, reduction: 'none' },
    yTrue: y2,
    yPred: p2,
    expected: [smooth0, smooth1],
    source: "hand: y' = y (1 - 0.1) + 0.1 / 3 per pixel",
  },
  {
    name: 'label smoothing 0.1, rank 4 [1, 2, 1, 3]: smoothed over the last axis',
    options: { labelSmoothing: 0.1 },
    yTrue: ndarray(y2.data, [1, 2, 1, 3]),
    yPred: ndarray(p2.data, [1, 2, 1, 3]),
    expected: (smooth0 + smooth1) / 2, // 0.52848; smoothing over axis 1 (size 2) would give 0.59753
    source: "hand: the two pixels of the rank-3 row (y' = 0.9 y + 0.1 / 3), averaged",
  },
  {
    name: 'label smoothing 0.3 from logits z = [2, 0.5, 1], background',
    options: { labelSmoothing: 0.3, fromLogits: true },
    yTrue: ndarray([1, 0, 0], [1, 1, 3]),
    yPred: ndarray([2, 0.5, 1], [1, 1, 3]),
    expected: Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(1)) - (0.8 * 2 + 0.1 * 0.5 + 0.1 * 1), // 0.71437
    source: "hand: y' = [0.8, 0.1, 0.1], L = logsumexp(z) - y'.z",
  },
  {
    name: 'label smoothing 0.1 with class weights [1, 3]',
    options: { labelSmoothing: 0.1, classWeights: [1, 3] },
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0.2, 0.8], [1, 1, 2]),
    expected: -(1 * 0.05 * Math.log(0.2) + 3 * 0.95 * Math.log(0.8)) / 3, // 0.23881
    source: "hand: PyTorch label_smoothing with weight: sum_c w_c y'_c (-log p_c) / w_{y}",
  },
];
