/** The `marginal-crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { marginalCrossEntropySpec as spec } from './spec.js';
export { marginalCrossEntropyReference as reference } from './reference.js';
export { marginalCrossEntropy as tensor, marginalCrossEntropyMeanParts as meanParts } from './tensor.js';
