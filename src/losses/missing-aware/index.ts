/** The `missing-aware-crossentropy` loss: its spec, typed-array reference and differentiable tensor version. */
export { missingAwareSpec as spec } from './spec.js';
export { missingAwareCrossEntropyReference as reference } from './reference.js';
export {
  missingAwareCrossEntropy as tensor,
  missingAwareCrossEntropyMeanParts as meanParts,
} from './tensor.js';
