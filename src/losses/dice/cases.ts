import { ndarray } from '../../core/ndarray.js';
import { exact, pair, single, singleTwice, soft, twoClass } from '../shared/monai-inputs.js';

const MONAI = 'MONAI tests/losses/test_dice_loss.py';
// Hand example: y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]] (one image, two pixels).
const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
const p = ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]);
const exactly = { smoothNr: 0, smoothDr: 0 };
const bg = 1 - 1.6 / 2.2; // 1 - 2 * 0.8 / (1 + 1.2)
const fg = 1 - 1.2 / 1.8; // 1 - 2 * 0.6 / (1 + 0.8)

/** The Dice case table, run by both implementations (dice.test.ts). */
export const diceCases = [
  {
    name: 'sigmoid, smooth 1e-6, (1,1,2,2)',
    options: { fromLogits: true, activation: 'sigmoid', smoothNr: 1e-6, smoothDr: 1e-6 },
    ...single,
    expected: 0.307576,
    source: `${MONAI}, case 0, one channel`,
  },
  {
    name: 'the same channel twice scores the same (each sigmoid channel alone)',
    options: { fromLogits: true, activation: 'sigmoid', smoothNr: 1e-6, smoothDr: 1e-6 },
    ...singleTwice,
    expected: 0.307576,
    source: `${MONAI}, case 0, channel duplicated to C = 2`,
  },
  {
    name: 'one channel from logits: mode binary, sigmoid inferred',
    options: { fromLogits: true, smoothNr: 1e-6, smoothDr: 1e-6, reduction: 'none' },
    ...single,
    expected: [0.307576],
    source: `${MONAI}, case 0, one channel, activation and mode inferred ([N, C] = [1, 1] map)`,
  },
  {
    name: 'sigmoid, smooth 1e-4, (2,1,2,2)',
    options: { fromLogits: true, activation: 'sigmoid', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...pair,
    expected: 0.416657,
    source: `${MONAI}, case 1, one channel`,
  },
  {
    name: 'soft target equal to the prediction',
    options: { smoothNr: 1e-4, smoothDr: 1e-4 },
    yTrue: soft,
    yPred: soft,
    expected: 0.307773,
    source: `${MONAI}, case 3 (soft_label=False is our formula, one channel)`,
  },
  {
    name: 'exact match without background, no smoothing',
    options: { includeBackground: false, smoothNr: 0, smoothDr: 0 },
    ...exact,
    expected: 0,
    source: `${MONAI}, case 4`,
  },
  {
    name: 'sigmoid on two classes, (2,2,3)',
    options: { fromLogits: true, activation: 'sigmoid', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 0.43505,
    source: `${MONAI}, case 5`,
  },
  {
    name: 'sigmoid, reduction none gives [N, C]',
    options: { fromLogits: true, activation: 'sigmoid', reduction: 'none', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: [0.296529, 0.415136, 0.599976, 0.428559],
    source: `${MONAI}, case 6 ([N, C, 1] there)`,
  },
  {
    name: 'softmax, (2,2,3)',
    options: { fromLogits: true, smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 0.383713,
    source: `${MONAI}, case 7`,
  },
  {
    name: 'softmax, reduction sum',
    options: { fromLogits: true, reduction: 'sum', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 1.534853,
    source: `${MONAI}, case 8`,
  },
  {
    name: 'squaredPred, default smoothing',
    options: { fromLogits: true, activation: 'sigmoid', squaredPred: true },
    ...single,
    expected: 0.178337,
    source: `${MONAI}, case 9, one channel`,
  },
  {
    name: 'jaccard, default smoothing',
    options: { fromLogits: true, activation: 'sigmoid', jaccard: true },
    ...single,
    expected: 0.470451,
    source: `${MONAI}, case 10, one channel`,
  },
  {
    name: 'two pixels, no smoothing',
    options: exactly,
    yTrue: y,
    yPred: p,
    expected: (bg + fg) / 2, // 0.3030303
    source: 'hand: bg 1 - 1.6/2.2, fg 1 - 1.2/1.8',
  },
  {
    name: 'class weights [1, 3]: weighted map and weighted mean',
    options: { ...exactly, classWeights: [1, 3], reduction: 'none' },
    yTrue: y,
    yPred: p,
    expected: [bg, 3 * fg],
    source: 'hand: w_c L_c',
  },
  {
    name: 'class weights [1, 3], mean',
    options: { ...exactly, classWeights: [1, 3] },
    yTrue: y,
    yPred: p,
    expected: (bg + 3 * fg) / 4,
    source: 'hand: sum w L / sum w',
  },
  {
    name: 'ignored third pixel: same as the two-pixel image',
    options: { ...exactly, ignoreMask: ndarray([0, 0, 1], [1, 3]) },
    yTrue: ndarray([1, 0, 0, 1, 0, 1], [1, 3, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6, 0.1, 0.9], [1, 3, 2]),
    expected: (bg + fg) / 2,
    source: 'hand: ignored pixels leave every sum',
  },
  {
    name: 'empty class predicted empty scores 0 with equal smoothing',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0], [1, 2, 2]),
    yPred: ndarray([1, 0, 1, 0], [1, 2, 2]),
    expected: [0, 0],
    source: 'hand: bg (4 + s)/(4 + s); fg (0 + s)/(0 + s)',
  },
  {
    name: 'empty class predicted with mass 1 scores about 1',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0], [1, 2, 2]),
    yPred: ndarray([0.5, 0.5, 0.5, 0.5], [1, 2, 2]),
    expected: [1 - (2 + 1e-5) / (3 + 1e-5), 1 - 1e-5 / (1 + 1e-5)],
    source: 'hand: bg 1 - (2*1 + s)/(2 + 1 + s); fg 1 - s/(0 + 1 + s)',
  },
  {
    name: 'annotated mask: unannotated class 1 of image 1 leaves the mean',
    options: { ...exactly, annotated: ndarray([1, 1, 1, 0], [2, 2]) },
    yTrue: ndarray([1, 0, 0, 1, 1, 0, 0, 1], [2, 2, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6, 0.8, 0.2, 0.4, 0.6], [2, 2, 2]),
    expected: (bg + fg + bg) / 3,
    source: 'hand: three counted entries (image 1 class 1 has weight 0)',
  },
  {
    name: "annotated 'infer': an absent class leaves the mean",
    options: { ...exactly, annotated: 'infer', reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0], [1, 2, 2]),
    yPred: ndarray([0.5, 0.5, 0.5, 0.5], [1, 2, 2]),
    expected: [1 - 2 / 3, 0],
    source: 'hand: class 1 absent, weight 0; bg 1 - 2*1/(2 + 1)',
  },
  {
    name: 'multilabel: channel 0 follows the annotated mask (not forced in as background)',
    options: { ...exactly, mode: 'multilabel', annotated: ndarray([0, 1], [1, 2]) },
    yTrue: y,
    yPred: p,
    expected: fg,
    source: 'hand: only class 1 counts; in multiclass mode class 0 would be forced in',
  },
  {
    name: 'binary, two images, probabilities',
    options: { ...exactly, reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 1], [2, 2, 1]),
    yPred: ndarray([0.8, 0.4, 0.2, 0.6], [2, 2, 1]),
    expected: [1 - 1.6 / 2.2, 1 - 1.2 / 1.8],
    source: 'hand: per image 1 - 2 I / (G + P)',
  },
  {
    name: 'batch: statistics summed over images first, map [1, C]',
    options: { ...exactly, batch: true, reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 1, 1, 0, 1, 0], [2, 2, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5], [2, 2, 2]),
    expected: [1 - (2 * 1.8) / (3 + 2.2), 1 - (2 * 0.6) / (1 + 1.8)],
    source: 'hand: bg I = 0.8 + 1, G = 3, P = 2.2; fg I = 0.6, G = 1, P = 1.8',
  },
];
