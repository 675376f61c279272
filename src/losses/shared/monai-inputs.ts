import { ndarray, type NdArray } from '../../core/ndarray.js';

/**
 * Converts a channels-first array `[N][C][...spatial]` (nested lists, as MONAI's tests write them) to
 * channels-last `[N, P, C]`, P = number of spatial elements. `duplicate` repeats every channel (C
 * becomes 2C): with sigmoid (or no activation) each class is scored alone, so both copies score MONAI's
 * value and so does their mean (the invariance the one-channel rows are also checked under).
 */
export function channelsLast(nchw: readonly unknown[], duplicate = false): NdArray {
  const images = nchw as unknown[][];
  const n = images.length;
  const channels = images.map((img) => img.map((ch) => [ch].flat(Infinity) as number[]));
  const c0 = channels[0].length;
  const c = duplicate ? 2 * c0 : c0;
  const p = channels[0][0].length;
  const data = new Float32Array(n * p * c);
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < c; k++) data[(img * p + i) * c + k] = channels[img][k % c0][i];
    }
  }
  return ndarray(data, [n, p, c]);
}

/** One-hot `[N, P, C]` from MONAI's index targets `[N][1][...spatial]` (their `to_onehot_y=True`). */
export function oneHotLast(indices: readonly unknown[], c: number): NdArray {
  const images = (indices as unknown[][]).map((img) => [img].flat(Infinity) as number[]);
  const n = images.length;
  const p = images[0].length;
  const data = new Float32Array(n * p * c);
  for (let img = 0; img < n; img++) for (let i = 0; i < p; i++) data[(img * p + i) * c + images[img][i]] = 1;
  return ndarray(data, [n, p, c]);
}

// The inputs MONAI's tests/losses/test_dice_loss.py and test_tversky_loss.py share, with each
// channel's spatial block `(H, W)` written flat, row-major.
/** Logits `(1, 1, 2, 2)`, target `(1, 1, 2, 2)`: one channel, `[1, 4, 1]`. */
export const single = {
  yPred: channelsLast([[[1, -1, -1, 1]]]),
  yTrue: channelsLast([[[1, 0, 1, 1]]]),
};
/** {@link single} with the channel duplicated (C = 2). */
export const singleTwice = {
  yPred: channelsLast([[[1, -1, -1, 1]]], true),
  yTrue: channelsLast([[[1, 0, 1, 1]]], true),
};
/** Logits `(2, 1, 2, 2)`, target `(2, 1, 2, 2)`: one channel, `[2, 4, 1]`. */
export const pair = {
  yPred: channelsLast([[[1, -1, -1, 1]], [[1, -1, -1, 1]]]),
  yTrue: channelsLast([[[1, 1, 1, 1]], [[1, 0, 1, 0]]]),
};
/** Soft target equal to the prediction, `(2, 1, 2, 2)`: one channel, `[2, 4, 1]`. */
export const soft = channelsLast([[[0.3, 0.4, 0.7, 0.9]], [[1, 0.1, 0.5, 0.3]]]);
/** Logits `(2, 2, 3)` and index target `(2, 1, 3)` one-hot to C = 2. */
export const twoClass = {
  yPred: channelsLast([
    [
      [-1, 0, 1],
      [1, 0, -1],
    ],
    [
      [0, 0, 0],
      [0, 0, 0],
    ],
  ]),
  yTrue: oneHotLast([[[1, 0, 0]], [[1, 1, 0]]], 2),
};
/** Probabilities `(2, 2, 3)` and index target `(2, 1, 3)` that match exactly on class 1. */
export const exact = {
  yPred: channelsLast([
    [
      [1, 1, 0],
      [0, 0, 1],
    ],
    [
      [1, 0, 1],
      [0, 1, 0],
    ],
  ]),
  yTrue: oneHotLast([[[0, 0, 1]], [[0, 1, 0]]], 2),
};
