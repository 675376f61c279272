/** The `marginal-dice` loss: its spec, typed-array reference and differentiable tensor version. */
export { marginalDiceSpec as spec } from './spec.js';
export { marginalDiceReference as reference } from './reference.js';
export { marginalDice as tensor } from './tensor.js';
