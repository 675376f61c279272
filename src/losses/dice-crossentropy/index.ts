/** The `dice-crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { diceCrossEntropySpec as spec } from './spec.js';
export { diceCrossEntropyReference as reference } from './reference.js';
export { diceCrossEntropy as tensor } from './tensor.js';
