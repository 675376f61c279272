import { ndarray } from '../../core/ndarray.js';

// Image: pixel 0 labelled class 1, pixel 1 labelled background but predicted class 2, which has no
// annotation anywhere in the image (present = [1, 1, 0]).
const y = ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]);
const p = ndarray([0.1, 0.8, 0.1, 0.2, 0.1, 0.7], [1, 2, 3]);

/** The missing-aware cross-entropy case table, run by both implementations. */
export const missingAwareCases = [
  {
    name: 'background pixel predicted as an unannotated class adds 0',
    yTrue: y,
    yPred: p,
    expected: -Math.log(0.8) / 2, // 0.11157178
    source: "hand: the post's rule, (-log 0.8 + 0) / 2",
  },
  {
    name: 'the same pixels when class 2 is annotated explicitly: plain cross-entropy',
    options: { annotated: ndarray([1, 1, 1], [1, 3]) },
    yTrue: y,
    yPred: p,
    expected: (-Math.log(0.8) - Math.log(0.2)) / 2, // 0.91629073
    source: 'hand: w = 1, (-log 0.8 - log 0.2) / 2',
  },
  {
    name: 'explicit mask without class 1 does not touch class-1 pixels',
    options: { annotated: ndarray([0, 0, 0], [1, 3]), reduction: 'none' },
    yTrue: y,
    yPred: p,
    expected: [-Math.log(0.8), 0],
    source: 'hand: background is always annotated; only the background term is weighted',
  },
  {
    name: 'argmax tie between background and an unannotated class goes to background',
    yTrue: ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]),
    yPred: ndarray([0.4, 0.2, 0.4, 0.1, 0.8, 0.1], [1, 2, 3]),
    expected: (-Math.log(0.4) - Math.log(0.8)) / 2,
    source: 'hand: ties go to the lowest index as tf.argMax, so w = A[bg] = 1',
  },
  {
    name: 'predicted class present in the image: plain cross-entropy',
    yTrue: ndarray([0, 0, 1, 1, 0, 0], [1, 2, 3]),
    yPred: ndarray([0.1, 0.1, 0.8, 0.3, 0.1, 0.6], [1, 2, 3]),
    expected: (-Math.log(0.8) - Math.log(0.3)) / 2,
    source: 'hand: class 2 present, w = 1',
  },
  {
    name: 'image with no foreground: background pixels predicted as objects add 0',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0, 1, 0], [1, 3, 2]),
    yPred: ndarray([0.9, 0.1, 0.3, 0.7, 0.6, 0.4], [1, 3, 2]),
    expected: [-Math.log(0.9), 0, -Math.log(0.6)],
    source: 'hand: present = [1, 0]; pixel 1 predicted class 1 gets w = 0',
  },
  {
    name: 'weights are per image: the same prediction in an image that annotates class 1 counts',
    options: { reduction: 'none' },
    yTrue: ndarray([1, 0, 1, 0, 0, 1, 1, 0], [2, 2, 2]),
    yPred: ndarray([0.3, 0.7, 0.9, 0.1, 0.2, 0.8, 0.3, 0.7], [2, 2, 2]),
    expected: [0, -Math.log(0.9), -Math.log(0.8), -Math.log(0.3)],
    source: 'hand: image 0 has no class 1 (w = 0 at pixel 0); image 1 has class 1 (w = 1)',
  },
  {
    name: 'from logits: the weight uses argmax of the logits',
    options: { fromLogits: true, reduction: 'none' },
    yTrue: ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]),
    yPred: ndarray([2, 0.5, 1, 0, 0, 3], [1, 2, 3]),
    expected: [Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(1)) - 0.5, 0],
    source: 'hand: logsumexp(z) - z_1 at pixel 0; pixel 1 argmax = 2 (unannotated), w = 0',
  },
  {
    name: 'ignored pixel leaves the mean',
    options: { ignoreMask: ndarray([0, 1], [1, 2]) },
    yTrue: ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]),
    yPred: ndarray([0.1, 0.8, 0.1, 0.6, 0.3, 0.1], [1, 2, 3]),
    expected: -Math.log(0.8),
    source: 'hand: one valid pixel',
  },
];
