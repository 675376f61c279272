/** The `dice` loss: its spec, typed-array reference and differentiable tensor version. */
export { diceSpec as spec } from './spec.js';
export { diceReference as reference } from './reference.js';
export { dice as tensor } from './tensor.js';
