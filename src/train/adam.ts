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
 * Adam (Kingma & Ba 2015) with a state that can be saved and restored exactly, so a resumed run takes
 * the same steps as an uninterrupted one. Moments are keyed by a stable name (a layer weight's
 * `originalName`), not by tfjs' per-process variable name.
 *
 * Formula, at step `t = 1, 2, ...` for each variable `w` with gradient `g`:
 * ```
 * m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
 * w = w - alpha * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * ```
 * The bias corrections `1 - beta^t` are computed in float64 from `t` alone (tfjs' own Adam keeps them
 * as running float32 products, which a restart cannot reproduce bit for bit).
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
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

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
    if (!(learningRate >= 0 && Number.isFinite(learningRate))) {
      fail('Adam.apply', `learningRate is ${learningRate}; expected a finite number >= 0`);
    }
    this.t += 1;
    const lr = learningRate;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    tf.tidy(() => {
      for (const [name, { variable, grad }] of updates) {
        if (grad.shape.join() !== variable.shape.join()) {
          fail(
            'Adam.apply',
            `gradient of '${name}' has shape ${formatShape(grad.shape)}; expected ${formatShape(variable.shape)}`,
          );
        }
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (m === undefined || v === undefined) {
          m = tf.keep(tf.variable(tf.zerosLike(variable), false));
          v = tf.keep(tf.variable(tf.zerosLike(variable), false));
          this.m.set(name, m);
          this.v.set(name, v);
        }
        const m1 = tf.add(tf.mul(m, b1), tf.mul(grad, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(grad), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        const step = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), eps));
        variable.assign(tf.sub(variable, tf.mul(step, lr)));
      }
    });
  }

  /** A snapshot of the state (downloads the moments). */
  state(): AdamState {
    const read = (vars: Map<string, tf.Variable>) =>
      new Map([...vars].map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]));
    return { iteration: this.t, m: read(this.m), v: read(this.v) };
  }

  /** Replaces the state by a snapshot from {@link Adam.state} (moments are copied into new variables). */
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
      for (const [k, { shape, data }] of src) {
        const initial = tf.tensor(data, shape);
        dst.set(k, tf.variable(initial, false));
        initial.dispose();
      }
    }
  }

  /** Frees the moment variables. */
  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
