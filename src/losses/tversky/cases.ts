import { ndarray } from '../../core/ndarray.js';
import { exact, pair, single, soft, twoClass } from '../shared/monai-inputs.js';

const MONAI = 'MONAI tests/losses/test_tversky_loss.py';
const sigmoid = { fromLogits: true, activation: 'sigmoid' };

/** The Tversky case table, run by both implementations (tversky.test.ts). */
export const tverskyCases = [
  {
    name: 'sigmoid, smooth 1e-6, (1,1,2,2)',
    options: { ...sigmoid, smoothNr: 1e-6, smoothDr: 1e-6 },
    ...single,
    expected: 0.307576,
    source: `${MONAI}, case 0, one channel`,
  },
  {
    name: 'sigmoid, smooth 1e-4, (2,1,2,2)',
    options: { ...sigmoid, smoothNr: 1e-4, smoothDr: 1e-4 },
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
    source: `${MONAI}, case 3 (soft_label=False, one channel)`,
  },
  {
    name: 'exact match without background, no smoothing',
    options: { includeBackground: false, smoothNr: 0, smoothDr: 0 },
    ...exact,
    expected: 0,
    source: `${MONAI}, case 4`,
  },
  {
    name: 'exact match without background, smoothDr 1e-3 only',
    options: { includeBackground: false, smoothNr: 0, smoothDr: 1e-3 },
    ...exact,
    expected: 0.000999,
    source: `${MONAI}, case 5; hand: 1 - 1 / 1.001`,
    tolerance: 1e-6,
  },
  {
    name: 'sigmoid on two classes, (2,2,3)',
    options: { ...sigmoid, smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 0.43505,
    source: `${MONAI}, case 6 (MONAI asserts rtol 1e-4; we get 4e-5 off: Tversky smooths at half Dice's scale)`,
    tolerance: 1e-4,
  },
  {
    name: 'sigmoid, batch, default smoothing',
    options: { ...sigmoid, batch: true },
    ...twoClass,
    expected: 0.422979,
    source: `${MONAI}, case 7`,
  },
  {
    name: 'sigmoid, reduction sum',
    options: { ...sigmoid, reduction: 'sum', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 1.74013,
    source: `${MONAI}, case 8`,
  },
  {
    name: 'softmax, (2,2,3)',
    options: { fromLogits: true, smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: 0.383713,
    source: `${MONAI}, case 9 (MONAI asserts rtol 1e-4; we get 4e-5 off: Tversky smooths at half Dice's scale)`,
    tolerance: 1e-4,
  },
  {
    name: 'softmax, reduction none gives [N, C]',
    options: { fromLogits: true, reduction: 'none', smoothNr: 1e-4, smoothDr: 1e-4 },
    ...twoClass,
    expected: [0.210961, 0.295339, 0.599952, 0.428547],
    source: `${MONAI}, case 10`,
  },
  {
    name: 'alpha 0.3, beta 0.7',
    options: { ...sigmoid, alpha: 0.3, beta: 0.7, smoothNr: 1e-6, smoothDr: 1e-6 },
    ...single,
    expected: 0.3589,
    source: `${MONAI}, case 11 (channel duplicated; 4 digits published)`,
    tolerance: 1e-4,
  },
  {
    name: 'alpha 0.7, beta 0.3',
    options: { ...sigmoid, alpha: 0.7, beta: 0.3, smoothNr: 1e-6, smoothDr: 1e-6 },
    ...single,
    expected: 0.247366,
    source: `${MONAI}, case 12, one channel`,
  },
  {
    name: 'hand example, alpha 0.3, beta 0.7, no smoothing',
    options: { alpha: 0.3, beta: 0.7, smoothNr: 0, smoothDr: 0 },
    yTrue: ndarray([1, 0, 0, 1], [1, 2, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
    expected: (1 - 0.8 / (0.8 + 0.3 * 0.4 + 0.7 * 0.2) + 1 - 0.6 / (0.6 + 0.3 * 0.2 + 0.7 * 0.4)) / 2,
    source: 'hand: bg tp 0.8 fp 0.4 fn 0.2; fg tp 0.6 fp 0.2 fn 0.4',
  },
];
