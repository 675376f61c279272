import { ndarray } from '../../core/ndarray.js';

const lse = (...z: number[]): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
const bgOnly = ndarray([1, 1, 0], [1, 3]); // background and class 1 annotated, class 2 not

/** The marginal cross-entropy case table, run by both implementations. */
export const marginalCrossEntropyCases = [
  {
    name: 'check value: logits z = [2, 0.5, 1] at a background pixel, class 2 unannotated',
    options: { fromLogits: true, annotated: bgOnly },
    yTrue: ndarray([1, 0, 0], [1, 1, 3]),
    yPred: ndarray([2, 0.5, 1], [1, 1, 3]),
    expected: lse(2, 0.5, 1) - lse(2, 1), // 0.151107
    source: 'brief / hand: -(logsumexp(z_0, z_2) - logsumexp(z))',
  },
  {
    name: 'the same pixel as probabilities: q_0 = p_0 + p_2',
    options: { annotated: bgOnly },
    yTrue: ndarray([1, 0, 0], [1, 1, 3]),
    yPred: ndarray([0.5, 0.2, 0.3], [1, 1, 3]),
    expected: -Math.log(0.8),
    source: 'hand: -log(0.5 + 0.3)',
  },
  {
    name: 'annotated foreground pixel is plain cross-entropy',
    options: { annotated: bgOnly },
    yTrue: ndarray([0, 1, 0], [1, 1, 3]),
    yPred: ndarray([0.5, 0.2, 0.3], [1, 1, 3]),
    expected: -Math.log(0.2),
    source: 'hand: q_1 = p_1',
  },
  {
    name: 'label on an unannotated class (explicit mask) counts as merged background',
    options: { annotated: bgOnly },
    yTrue: ndarray([0, 0, 1], [1, 1, 3]),
    yPred: ndarray([0.5, 0.2, 0.3], [1, 1, 3]),
    expected: -Math.log(0.8),
    source: 'hand: t_0 = y_0 + y_2 = 1, -log(p_0 + p_2)',
  },
  {
    name: 'two unannotated classes merge into background: C = 4, A = [1, 0, 1, 0]',
    options: { annotated: ndarray([1, 0, 1, 0], [1, 4]), reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 0, 0, 0, 1, 0], [1, 2, 4]),
    yPred: ndarray([0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.4], [1, 2, 4]),
    expected: [-Math.log(0.7), -Math.log(0.3)],
    source: 'hand: q_0 = 0.1 + 0.2 + 0.4; class-2 pixel keeps -log 0.3',
  },
  {
    name: "'infer': class 2 absent from the image is merged, class 1 present is not",
    options: { fromLogits: true, reduction: 'none' },
    yTrue: ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]),
    yPred: ndarray([2, 0.5, 1, 0, 1, 0], [1, 2, 3]),
    expected: [lse(2, 0.5, 1) - lse(2, 1), lse(0, 1, 0) - 1],
    source: 'hand: present = [1, 1, 0]; pixel 1 is plain -log softmax_1',
  },
  {
    name: 'masks are per image: the same pixel in an image that annotates class 2 is plain cross-entropy',
    options: { annotated: ndarray([1, 1, 0, 1, 1, 1], [2, 3]), reduction: 'sum' },
    yTrue: ndarray([1, 0, 0, 1, 0, 0], [2, 1, 3]),
    yPred: ndarray([0.5, 0.2, 0.3, 0.5, 0.2, 0.3], [2, 1, 3]),
    expected: -Math.log(0.8) - Math.log(0.5),
    source: 'hand: image 0 merges p_2, image 1 does not',
  },
  {
    name: 'every class annotated: plain cross-entropy (mean)',
    options: { annotated: ndarray([1, 1, 1], [1, 3]) },
    yTrue: ndarray([1, 0, 0, 0, 0, 1], [1, 2, 3]),
    yPred: ndarray([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], [1, 2, 3]),
    expected: (-Math.log(0.7) - Math.log(0.6)) / 2,
    source: 'hand: no merge, as crossentropy case "two pixels, mean"',
  },
  {
    name: 'ignored pixel leaves the mean',
    options: { annotated: bgOnly, ignoreMask: ndarray([1, 0], [1, 2]) },
    yTrue: ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]),
    yPred: ndarray([0.5, 0.2, 0.3, 0.5, 0.2, 0.3], [1, 2, 3]),
    expected: -Math.log(0.8),
    source: 'hand: one valid pixel, -log(0.5 + 0.3)',
  },
];
