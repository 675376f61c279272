/** The `multilabel-partial` loss: its spec, typed-array reference and differentiable tensor version. */
export { multilabelPartialSpec as spec } from './spec.js';
export { multilabelPartialReference as reference } from './reference.js';
export { multilabelPartial as tensor } from './tensor.js';
