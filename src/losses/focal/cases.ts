import { ndarray } from '../../core/ndarray.js';

// MONAI's focal test input (tests/losses/test_focal_loss.py, TEST_CASES), NCHW (1, 3, 2, 2) converted
// to NHWC [1, 2, 2, 3]: every channel holds logits [[1, 1], [0.5, 0]], so pixel (h, w) has the same
// logit in all three channels; target class indices [[0, 1], [2, 0]] one-hot on the last axis.
const monaiLogits = ndarray([1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0], [1, 2, 2, 3]);
const monaiTarget = ndarray([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], [1, 2, 2, 3]);
const MONAI = 'MONAI tests/losses/test_focal_loss.py';

/** MONAI's per-channel 'none' output [c][h][w] averaged over channels: our [N, H, W] map. */
function channelMean(perChannel: number[][][]): number[] {
  const out: number[] = [];
  for (let h = 0; h < 2; h++)
    for (let w = 0; w < 2; w++)
      out.push((perChannel[0][h][w] + perChannel[1][h][w] + perChannel[2][h][w]) / 3);
  return out;
}

const p8 = -Math.log(0.8);
const KERAS = 'Keras 3 keras/src/losses/losses.py, BinaryFocalCrossentropy docstring';
// Keras' docstring inputs: four samples of one channel, as one image of four pixels.
const kerasTrue = ndarray([0, 1, 0, 0], [1, 4, 1]);
const kerasLogits = ndarray([-18.6, 0.51, 2.94, -12.8], [1, 4, 1]); // BCE of p = 0.8 on a positive, or p = 0.2 on a negative

/** The focal case table, run by both implementations. */
export const focalCases = [
  {
    name: 'Keras: one channel from logits, gamma 2',
    options: { fromLogits: true },
    yTrue: kerasTrue,
    yPred: kerasLogits,
    expected: 0.691,
    source: `${KERAS}: BinaryFocalCrossentropy(gamma=2, from_logits=True) -> 0.691 (3 digits)`,
    tolerance: 5e-4,
  },
  {
    name: 'Keras: one channel, class balancing alpha 0.25',
    options: { fromLogits: true, alpha: 0.25 },
    yTrue: kerasTrue,
    yPred: kerasLogits,
    expected: 0.51,
    source: `${KERAS}: apply_class_balancing=True (alpha 0.25), gamma 2 -> 0.51 (2 digits)`,
    tolerance: 5e-3,
  },
  {
    name: 'one channel, probabilities: t = [1, 0], p = [0.8, 0.3]',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0], [1, 2, 1]),
    yPred: ndarray([0.8, 0.3], [1, 2, 1]),
    expected: [0.04 * p8, 0.09 * -Math.log(0.7)],
    source: 'hand: (1 - p_t)^2 (-log p_t) per pixel',
  },
  {
    name: 'multilabel: channel 0 follows the annotated mask',
    options: { mode: 'multilabel', annotated: ndarray([0, 1], [1, 2]) },
    yTrue: ndarray([1, 0], [1, 1, 2]),
    yPred: ndarray([0.8, 0.1], [1, 1, 2]),
    expected: 0.01 * -Math.log(0.9),
    source: 'hand: only channel 1 kept: 0.1^2 (-log 0.9); multiclass would keep channel 0 too',
  },
  {
    name: 'MONAI: sigmoid, gamma 2, mean',
    options: { fromLogits: true },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: 0.34959,
    source: `${MONAI}: {to_onehot_y: True} -> 0.34959`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: sigmoid without background',
    options: { fromLogits: true, includeBackground: false },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: 0.36498,
    source: `${MONAI}: {include_background: False} -> 0.36498`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: sigmoid, alpha 0.8',
    options: { fromLogits: true, alpha: 0.8 },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: 0.08423,
    source: `${MONAI}: {alpha: 0.8} -> 0.08423`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: sigmoid, map (their per-channel none output, averaged over channels)',
    options: { fromLogits: true, reduction: 'none' },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: channelMean([
      [
        [0.02266, 0.70187],
        [0.37741, 0.17329],
      ],
      [
        [0.70187, 0.02266],
        [0.37741, 0.17329],
      ],
      [
        [0.70187, 0.70187],
        [0.06757, 0.17329],
      ],
    ]),
    source: `${MONAI}: {reduction: none}, channel mean of the published [1, 3, 2, 2] values`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: sigmoid, class weights [0.5, 0.1, 0.2], map',
    options: { fromLogits: true, reduction: 'none', classWeights: [0.5, 0.1, 0.2] },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: channelMean([
      [
        [0.01133, 0.35093],
        [0.18871, 0.08664],
      ],
      [
        [0.07019, 0.00227],
        [0.03774, 0.01733],
      ],
      [
        [0.14037, 0.14037],
        [0.01352, 0.03466],
      ],
    ]),
    source: `${MONAI}: {weight: [0.5, 0.1, 0.2], reduction: none}, channel mean`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: softmax, gamma 2, mean',
    options: { fromLogits: true, useSoftmax: true },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: 0.16276,
    source: `${MONAI}: {use_softmax: True} -> 0.16276`,
    tolerance: 1e-4,
  },
  {
    name: 'MONAI: softmax, alpha 0.8',
    options: { fromLogits: true, useSoftmax: true, alpha: 0.8 },
    yTrue: monaiTarget,
    yPred: monaiLogits,
    expected: 0.08138,
    source: `${MONAI}: {alpha: 0.8, use_softmax: True} -> 0.08138`,
    tolerance: 1e-4,
  },
  {
    name: 'probabilities, sigmoid: y = [0, 1], p = [0.2, 0.8]',
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0.2, 0.8], [1, 1, 2]),
    expected: 0.04 * p8, // 0.0089257
    source: 'hand: each channel (1 - p_t)^2 (-log p_t) = 0.2^2 (-log 0.8), mean of the two',
  },
  {
    name: 'probabilities, softmax: only the positive channel adds, mean over C = 2',
    options: { useSoftmax: true },
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0.2, 0.8], [1, 1, 2]),
    expected: (0.04 * p8) / 2,
    source: 'hand: -(1 - 0.8)^2 log 0.8 / 2',
  },
  {
    name: 'gamma 0, alpha 0.25, sigmoid: alpha-balanced BCE',
    options: { gamma: 0, alpha: 0.25, reduction: 'sum' },
    yTrue: ndarray([0, 1], [1, 1, 2]),
    yPred: ndarray([0.4, 0.7], [1, 1, 2]),
    expected: (0.75 * -Math.log(0.6) + 0.25 * -Math.log(0.7)) / 2,
    source: 'hand: (1 - alpha) on the negative channel, alpha on the positive, mean over 2 channels',
  },
  {
    name: 'annotated [1, 1, 0]: channel 2 is left out, the map averages the 2 kept channels',
    options: { annotated: ndarray([1, 1, 0], [1, 3]) },
    yTrue: ndarray([1, 0, 0], [1, 1, 3]),
    yPred: ndarray([0.8, 0.1, 0.6], [1, 1, 3]),
    expected: (0.04 * p8 + 0.01 * -Math.log(0.9)) / 2,
    source: 'hand: bg 0.2^2 (-log 0.8), class 1 0.1^2 (-log 0.9), class 2 dropped',
  },
  {
    name: "annotated 'infer' is per image",
    options: { annotated: 'infer', reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 1], [2, 1, 2]),
    yPred: ndarray([0.8, 0.6, 0.2, 0.8], [2, 1, 2]),
    expected: [0.04 * p8, 0.04 * p8],
    source: 'hand: image 0 has no class 1 (its channel, 0.6^2 (-log 0.4), drops); image 1 keeps both',
  },
  {
    name: 'ignored pixel leaves the mean',
    options: { ignoreMask: ndarray([0, 1], [1, 2]) },
    yTrue: ndarray([0, 1, 1, 0], [1, 2, 2]),
    yPred: ndarray([0.2, 0.8, 0.3, 0.7], [1, 2, 2]),
    expected: 0.04 * p8,
    source: 'hand: one valid pixel',
  },
];
