/** The `focal` loss: its spec, typed-array reference and differentiable tensor version. */
export { focalSpec as spec } from './spec.js';
export { focalReference as reference } from './reference.js';
export { focal as tensor, focalMeanParts as meanParts } from './tensor.js';
