/** The `crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { crossEntropySpec as spec } from './spec.js';
export { crossEntropyReference as reference } from './reference.js';
export { crossEntropy as tensor, crossEntropyMeanParts as meanParts } from './tensor.js';
