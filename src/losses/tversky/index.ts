/** The `tversky` loss: its spec, typed-array reference and differentiable tensor version. */
export { tverskySpec as spec } from './spec.js';
export { tverskyReference as reference } from './reference.js';
export { tversky as tensor } from './tensor.js';
