/** The `missing-aware-crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { missingAwareSpec as spec } from './spec.js';
export { missingAwareCrossEntropyReference as reference } from './reference.js';
export {
  missingAwareCrossEntropy as tensor,
  missingAwareCrossEntropyDenominator as meanDenominator,
} from './tensor.js';
