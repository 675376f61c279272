/** The `binary-crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { binaryCrossEntropySpec as spec } from './spec.js';
export { binaryCrossEntropyReference as reference } from './reference.js';
export { binaryCrossEntropy as tensor, binaryCrossEntropyMeanParts as meanParts } from './tensor.js';
