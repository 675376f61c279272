/** The `exclusion` loss: its spec, typed-array reference and differentiable tensor version. */
export { exclusionSpec as spec } from './spec.js';
export { exclusionReference as reference } from './reference.js';
export { exclusionLoss as tensor } from './tensor.js';
