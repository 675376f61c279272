import { ndarray } from '../../core/ndarray.js';
import { channelsLast, oneHotLast } from '../shared/monai-inputs.js';

const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
const p = ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]);
const exactly = { smoothNr: 0, smoothDr: 0 };
const diceMean = (1 - 1.6 / 2.2 + 1 - 1.2 / 1.8) / 2; // 0.3030303
const ceMean = (-Math.log(0.8) - Math.log(0.6)) / 2; // 0.36698459
// MONAI tests/losses/test_dice_ce_loss.py cases 3 and 4: logits (2, 2, 3), index target (2, 1, 3).
const monai = {
  yPred: channelsLast([
    [
      [100, 100, 0],
      [0, 0, 1],
    ],
    [
      [1, 0, 1],
      [0, 1, 0],
    ],
  ]),
  yTrue: oneHotLast([[[0, 0, 1]], [[0, 1, 0]]], 2),
};
// Their Dice term runs on the raw input (no softmax) and is 0 there; their cross-entropy term is the
// mean of log(1 + e^-1) over 4 of 6 pixels (the other two have logit margin 100).
const monaiCe = (4 * Math.log(1 + Math.exp(-1))) / 6; // 0.208858

/** The Dice + cross-entropy case table, run by both implementations. */
export const diceCrossEntropyCases = [
  {
    name: 'dice + cross-entropy, mean',
    options: exactly,
    yTrue: y,
    yPred: p,
    expected: diceMean + ceMean, // 0.67001489
    source: 'hand: Dice 0.3030303 (see dice cases) + CE (-log 0.8 - log 0.6) / 2',
  },
  {
    name: 'sum reduces both terms by sum',
    options: { ...exactly, reduction: 'sum' },
    yTrue: y,
    yPred: p,
    expected: 2 * diceMean + 2 * ceMean,
    source: 'hand: two Dice entries, two pixels',
  },
  {
    name: 'lambdaDice 0: the cross-entropy term of MONAI case 3',
    options: { fromLogits: true, includeBackground: false, lambdaDice: 0 },
    ...monai,
    expected: monaiCe,
    source: 'MONAI tests/losses/test_dice_ce_loss.py case 3 (0.2088, Dice term 0); hand: 4 log(1 + 1/e) / 6',
  },
  {
    name: 'lambdaCe 2: MONAI case 4 without its zero Dice term',
    options: { fromLogits: true, includeBackground: false, lambdaDice: 0, lambdaCe: 2 },
    ...monai,
    expected: 2 * monaiCe,
    source: 'MONAI tests/losses/test_dice_ce_loss.py case 4 (0.4176)',
  },
  {
    name: 'classWeights [0, 1] reach the cross-entropy: MONAI case 5 without its zero Dice term',
    options: { fromLogits: true, includeBackground: false, classWeights: [0, 1], lambdaDice: 0 },
    ...monai,
    expected: Math.log(1 + Math.exp(-1)), // 0.3133
    source:
      'MONAI tests/losses/test_dice_ce_loss.py case 5 (0.3133); hand: weighted mean over the two class-1 pixels',
  },
  {
    name: 'lambdaCe 0, lambdaDice 0.5: half the Dice loss',
    options: { ...exactly, lambdaCe: 0, lambdaDice: 0.5 },
    yTrue: y,
    yPred: p,
    expected: diceMean / 2,
    source: 'hand',
  },
];
