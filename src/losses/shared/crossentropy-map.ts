import type { PairLayout } from '../../core/validate.js';

/**
 * Per-pixel cross-entropy over flat `[N * P * C]` arrays (the shared kernel of every cross-entropy-like
 * reference). Returns `[N * P]` float32 values.
 *
 * Probabilities: `L_i = -sum_c y_ic log(clip(p_ic, eps, 1 - eps))`.
 * Logits: `L_i = -sum_c y_ic (z_ic - m_i - log sum_k exp(z_ik - m_i))` with `m_i = max_k z_ik`.
 */
export function crossEntropyMapReference(
  y: Float32Array,
  pred: Float32Array,
  layout: PairLayout,
  fromLogits: boolean,
  epsilon: number,
): Float32Array {
  const { n, p, c } = layout;
  const out = new Float32Array(n * p);
  for (let i = 0; i < n * p; i++) {
    const base = i * c;
    let logNorm = 0;
    if (fromLogits) {
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, pred[base + k]);
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(pred[base + k] - m);
      logNorm = m + Math.log(s);
    }
    let loss = 0;
    for (let k = 0; k < c; k++) {
      const yk = y[base + k];
      if (yk === 0) continue;
      const logP = fromLogits
        ? pred[base + k] - logNorm
        : Math.log(Math.min(Math.max(pred[base + k], epsilon), 1 - epsilon));
      loss -= yk * logP;
    }
    out[i] = loss;
  }
  return out;
}
