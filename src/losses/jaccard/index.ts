/** The `jaccard` loss: its spec, typed-array reference and differentiable tensor version. */
export { jaccardSpec as spec } from './spec.js';
export { jaccardReference as reference } from './reference.js';
export { jaccard as tensor } from './tensor.js';
