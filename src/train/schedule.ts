import { fail } from '../core/errors.js';

/** Names of the learning-rate schedules of {@link learningRateAt}. */
export const LR_SCHEDULES = ['cosine', 'poly', 'constant'] as const;

/** A learning-rate schedule over a run of `steps` optimisation steps. */
export interface LrSchedule {
  readonly name: (typeof LR_SCHEDULES)[number];
  /** Steps of linear warm-up at the start (0 = none). */
  readonly warmupSteps: number;
  /** Exponent of `'poly'` (nnU-Net: 0.9); ignored by the others. */
  readonly power: number;
}

/**
 * The learning rate of step `step` (1-based) of a run of `steps` steps with base rate `baseLr`.
 *
 * Formula, with `W = warmupSteps`, `k = step - 1 - W` (steps since the warm-up ended, 0-based) and
 * `K = steps - W`:
 * ```
 * warm-up (step <= W):  lr = baseLr * step / W
 * constant:             lr = baseLr
 * cosine:               lr = baseLr * (1 + cos(pi * k / K)) / 2      (SGDR / PyTorch CosineAnnealingLR, eta_min 0)
 * poly:                 lr = baseLr * (1 - k / K) ^ power              (nnU-Net's PolyLRScheduler, power 0.9)
 * ```
 * The first step after the warm-up uses the full rate and the last one a small positive rate
 * (`k = K - 1`), as PyTorch's schedulers do when stepped once per iteration.
 *
 * @example
 * ```ts
 * const s = { name: 'cosine', warmupSteps: 0, power: 0.9 } as const;
 * learningRateAt(s, 0.002, 1, 300);   // 0.002
 * learningRateAt(s, 0.002, 151, 300); // 0.001
 * ```
 * @see Loshchilov & Hutter 2017, SGDR (https://arxiv.org/abs/1608.03983); Isensee et al. 2021, nnU-Net
 */
export function learningRateAt(schedule: LrSchedule, baseLr: number, step: number, steps: number): number {
  const w = schedule.warmupSteps;
  if (step <= w) return (baseLr * step) / w;
  const k = step - 1 - w;
  const total = steps - w;
  switch (schedule.name) {
    case 'constant':
      return baseLr;
    case 'cosine':
      return (baseLr * (1 + Math.cos((Math.PI * k) / total))) / 2;
    case 'poly':
      return baseLr * (1 - k / total) ** schedule.power;
  }
}

/**
 * Checks a schedule against the run length: a known name, `0 <= warmupSteps < steps`, `power > 0`.
 *
 * @throws SeglossError `segloss: <where>: lrSchedule... expected ...`
 */
export function checkLrSchedule(where: string, schedule: LrSchedule, steps: number): void {
  if (!(LR_SCHEDULES as readonly string[]).includes(schedule.name)) {
    fail(where, `lrSchedule.name is '${String(schedule.name)}'; expected one of ${LR_SCHEDULES.join(', ')}`);
  }
  const w = schedule.warmupSteps;
  if (!Number.isInteger(w) || w < 0 || w >= steps) {
    fail(where, `lrSchedule.warmupSteps is ${w}; expected an integer in [0, steps = ${steps})`);
  }
  if (!(schedule.power > 0 && Number.isFinite(schedule.power))) {
    fail(where, `lrSchedule.power is ${schedule.power}; expected a positive number`);
  }
}
