import { ndarray } from '../../core/ndarray.js';
import { single } from '../shared/monai-inputs.js';

/** The Jaccard case table, run by both implementations (jaccard.test.ts). */
export const jaccardCases = [
  {
    name: 'sigmoid, default smoothing, (1,1,2,2)',
    options: { fromLogits: true, activation: 'sigmoid' },
    ...single,
    expected: 0.470451,
    source: 'MONAI tests/losses/test_dice_loss.py, case 10 (jaccard=True), one channel',
  },
  {
    name: 'two pixels, no smoothing',
    options: { smoothNr: 0, smoothDr: 0 },
    yTrue: ndarray([1, 0, 0, 1], [1, 2, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
    expected: (1 - 0.8 / 1.4 + 1 - 0.6 / 1.2) / 2, // 0.46428571
    source: 'hand: bg I 0.8, G + P - I = 1.4; fg I 0.6, G + P - I = 1.2',
  },
  {
    name: 'batch, reduction none',
    options: { smoothNr: 0, smoothDr: 0, batch: true, reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 1, 1, 0, 1, 0], [2, 2, 2]),
    yPred: ndarray([0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5], [2, 2, 2]),
    expected: [1 - 1.8 / (3 + 2.2 - 1.8), 1 - 0.6 / (1 + 1.8 - 0.6)],
    source: 'hand: pooled bg I 1.8, G 3, P 2.2; fg I 0.6, G 1, P 1.8',
  },
];
