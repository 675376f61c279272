import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../core/errors.js';

/** Hyper-parameters of {@link Adam}. */
export interface AdamOptions {
  /** Step size alpha; default 1e-3. */
  readonly learningRate?: number;
  /** Decay of the first moment; default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment; default 0.999. */
  readonly beta2?: number;
  /** Added to `sqrt(v_hat)`; default 1e-7 (tfjs' default). */
  readonly epsilon?: number;
}

/** The complete state of an {@link Adam}: the step count and both moments of every variable, by name. */
export interface AdamState {
  readonly iteration: number;
  readonly m: ReadonlyMap<string, { shape: number[]; data: Float32Array }>;
  readonly v: ReadonlyMap<string, { shape: number[]; data: Float32Array }>;
}

/**
 * The float32 constants of one Adam step, as tfjs would hold them: every scalar a tfjs op takes is
 * rounded to float32 once. See {@link adamUpdate}.
 */
export interface AdamCoefficients {
  /** `fround(beta1)`, `fround(1 - beta1)`, `fround(beta2)`, `fround(1 - beta2)`. */
  readonly b1: number;
  readonly ob1: number;
  readonly b2: number;
  readonly ob2: number;
  /** `fround(1 - beta1^t)` and `fround(1 - beta2^t)`, the powers taken in float64 from `t`. */
  readonly c1: number;
  readonly c2: number;
  readonly eps: number;
  readonly lr: number;
}

const f = Math.fround;

/**
 * One Adam update of `w` in place (and of its moments `m`, `v`), from gradient `g`, in float32
 * arithmetic: each operation is computed in float64 and rounded to float32 (`Math.fround`), which gives
 * the correctly rounded float32 result of `+ − × ÷ √` because float64 carries more than 2·24 + 2 bits
 * (Figueroa, "When is double rounding innocuous?", SIGNUM 1995). The operations and their order are
 * those of the tfjs-ops form this replaced, so the result is bit for bit what that form gave on the wasm
 * and cpu backends (tested), and runs resumed or rerun from earlier versions keep their weights:
 * ```
 * m = (m·b1) + (g·(1 − b1))          v = (v·b2) + ((g·g)·(1 − b2))
 * w = w − ((m ÷ c1) ÷ (√(v ÷ c2) + ε))·α
 * ```
 * One pass over the arrays instead of ten tfjs ops per weight tensor (about 300 kernel calls a step
 * for the README's U-Net). Shapes: four arrays of one length.
 *
 * @example `adamUpdate(w, g, m, v, adamCoefficients(1e-3, 0.9, 0.999, 1e-7, 1))`
 */
export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  k: AdamCoefficients,
): void {
  const { b1, ob1, b2, ob2, c1, c2, eps, lr } = k;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const m1 = f(f(m[i] * b1) + f(gi * ob1));
    const v1 = f(f(v[i] * b2) + f(f(gi * gi) * ob2));
    m[i] = m1;
    v[i] = v1;
    const step = f(f(m1 / c1) / f(f(Math.sqrt(f(v1 / c2))) + eps));
    w[i] = f(w[i] - f(step * lr));
  }
}

/** The {@link AdamCoefficients} of step `t` (1-based). */
export function adamCoefficients(
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  t: number,
): AdamCoefficients {
  return {
    b1: f(beta1),
    ob1: f(1 - beta1),
    b2: f(beta2),
    ob2: f(1 - beta2),
    c1: f(1 - beta1 ** t),
    c2: f(1 - beta2 ** t),
    eps: f(epsilon),
    lr: f(lr),
  };
}

/**
 * Adam (Kingma & Ba 2015) with a state that can be saved and restored exactly, so a resumed run takes
 * the same steps as an uninterrupted one. Moments are keyed by a stable name (a layer weight's
 * `originalName`), not by tfjs' per-process variable name, and kept in host memory (`Float32Array`).
 *
 * Formula, at step `t = 1, 2, ...` for each variable `w` with gradient `g`:
 * ```
 * m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
 * w = w - alpha * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * ```
 * The bias corrections `1 - beta^t` are computed in float64 from `t` alone (tfjs' own Adam keeps them
 * as running float32 products, which a restart cannot reproduce bit for bit). The arithmetic is float32
 * ({@link adamUpdate}). Two entry points: {@link Adam.apply} on tfjs variables and gradient tensors, and
 * {@link Adam.applyArrays} on weight and gradient arrays (the data-parallel executor, whose gradients
 * arrive in shared memory).
 *
 * @example
 * ```ts
 * const adam = new Adam({ learningRate: 0.01 });
 * adam.apply(new Map([['w', { variable: w, grad: g }]]));
 * const saved = adam.state(); // ... later: adam.restore(saved)
 * ```
 * @see https://arxiv.org/abs/1412.6980
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly m = new Map<string, { shape: number[]; data: Float32Array }>();
  private readonly v = new Map<string, { shape: number[]; data: Float32Array }>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    if (!(this.learningRate > 0 && Number.isFinite(this.learningRate))) {
      fail('Adam', `learningRate is ${this.learningRate}; expected a positive number`);
    }
    for (const [k, b] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) fail('Adam', `${k} is ${b}; expected a number in [0, 1)`);
    }
  }

  /** Steps taken so far. */
  get iteration(): number {
    return this.t;
  }

  /**
   * One update of every variable in `updates` (name → variable and its gradient, same shape), with step
   * size `learningRate` (default: the constructor's; a schedule passes its rate of this step).
   */
  apply(
    updates: ReadonlyMap<string, { variable: tf.Variable; grad: tf.Tensor }>,
    learningRate = this.learningRate,
  ): void {
    for (const [name, { variable, grad }] of updates) {
      if (grad.shape.join() !== variable.shape.join()) {
        fail(
          'Adam.apply',
          `gradient of '${name}' has shape ${formatShape(grad.shape)}; expected ${formatShape(variable.shape)}`,
        );
      }
    }
    const arrays = new Map(
      [...updates].map(([name, { variable, grad }]) => [
        name,
        {
          weights: Float32Array.from(variable.dataSync() as Float32Array),
          grad: grad.dataSync() as Float32Array,
          shape: variable.shape,
        },
      ]),
    );
    this.applyArrays(arrays, learningRate);
    for (const [name, { variable }] of updates) {
      const a = arrays.get(name) as { weights: Float32Array };
      tf.tidy(() => variable.assign(tf.tensor(a.weights, variable.shape)));
    }
  }

  /**
   * One update of every weight array in `updates` (name → weights, updated in place, and its gradient
   * of the same length), with step size `learningRate`. `shape` names the moments' shape in
   * {@link Adam.state} (default: flat).
   */
  applyArrays(
    updates: ReadonlyMap<string, { weights: Float32Array; grad: Float32Array; shape?: readonly number[] }>,
    learningRate = this.learningRate,
  ): void {
    if (!(learningRate >= 0 && Number.isFinite(learningRate))) {
      fail('Adam.apply', `learningRate is ${learningRate}; expected a finite number >= 0`);
    }
    for (const [name, { weights, grad }] of updates) {
      if (grad.length !== weights.length) {
        fail('Adam.apply', `gradient of '${name}' has ${grad.length} values; expected ${weights.length}`);
      }
    }
    this.t += 1;
    const k = adamCoefficients(learningRate, this.beta1, this.beta2, this.epsilon, this.t);
    for (const [name, { weights, grad, shape }] of updates) {
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (m === undefined || v === undefined) {
        const s = [...(shape ?? [weights.length])];
        m = { shape: s, data: new Float32Array(weights.length) };
        v = { shape: s, data: new Float32Array(weights.length) };
        this.m.set(name, m);
        this.v.set(name, v);
      }
      adamUpdate(weights, grad, m.data, v.data, k);
    }
  }

  /** A snapshot of the state (copies of the moments). */
  state(): AdamState {
    const read = (moments: Map<string, { shape: number[]; data: Float32Array }>) =>
      new Map([...moments].map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.data) }]));
    return { iteration: this.t, m: read(this.m), v: read(this.v) };
  }

  /** Replaces the state by a snapshot from {@link Adam.state} (the moments are copied). */
  restore(state: AdamState): void {
    if (!Number.isInteger(state.iteration) || state.iteration < 0) {
      fail('Adam.restore', `iteration is ${state.iteration}; expected a non-negative integer`);
    }
    this.dispose();
    this.t = state.iteration;
    for (const [src, dst] of [
      [state.m, this.m],
      [state.v, this.v],
    ] as const) {
      for (const [k, { shape, data }] of src)
        dst.set(k, { shape: [...shape], data: Float32Array.from(data) });
    }
  }

  /** Forgets the moments (they hold no tfjs memory; kept so callers free an optimiser in one way). */
  dispose(): void {
    this.m.clear();
    this.v.clear();
  }
}
