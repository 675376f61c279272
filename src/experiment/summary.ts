/**
 * Aggregation of an experiment's runs: per loss, the mean and the sample standard deviation over seeds
 * of the test mean IoU and of every class's IoU.
 */
import type { ClassScores, EvaluationResult } from '../train/evaluate.js';

/** Mean and sample standard deviation (`n − 1` in the denominator; null for fewer than 2 values). */
export interface MeanSd {
  mean: number | null;
  sd: number | null;
  n: number;
}

/**
 * Mean and sample standard deviation of the non-null values.
 *
 * Formula: `mean = Σ v / n`, `sd = sqrt(Σ (v − mean)² / (n − 1))`.
 *
 * @example
 * ```ts
 * meanSd([0.868, 0.642, 0.742]); // { mean: 0.7507, sd: 0.1133, n: 3 }
 * ```
 */
export function meanSd(values: readonly (number | null)[]): MeanSd {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: null, n };
  const ss = v.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/** What one finished run contributes: the fields of `segloss eval --json` that the summary reads. */
export interface RunScores {
  meanIoU: EvaluationResult['meanIoU'];
  perClass: readonly Pick<ClassScores, 'name' | 'iou' | 'absentFalsePositiveImageRate'>[];
}

/** One run of the grid and its outcome. */
export interface RunOutcome {
  loss: string;
  seed: number;
  dir: string;
  /** Null when the run failed (see `error`). */
  scores: RunScores | null;
  error?: string;
}

/** Per-loss aggregate. */
export interface LossSummary {
  loss: string;
  seeds: number[];
  failed: number;
  meanIoU: MeanSd;
  perClass: { name: string; iou: MeanSd; absentFalsePositiveImageRate: MeanSd }[];
}

/**
 * Groups `runs` by loss (in first-seen order) and aggregates each group over its seeds.
 *
 * @example
 * ```ts
 * summarise([{ loss: 'crossentropy', seed: 1, dir: 'r', scores: { meanIoU: 0.9, perClass: [] } }]);
 * // [{ loss: 'crossentropy', seeds: [1], failed: 0, meanIoU: { mean: 0.9, sd: null, n: 1 }, perClass: [] }]
 * ```
 */
export function summarise(runs: readonly RunOutcome[]): LossSummary[] {
  const losses = [...new Set(runs.map((r) => r.loss))];
  return losses.map((loss) => {
    const group = runs.filter((r) => r.loss === loss);
    const done = group.filter((r) => r.scores !== null).map((r) => r.scores as RunScores);
    const names = done[0]?.perClass.map((c) => c.name) ?? [];
    return {
      loss,
      seeds: group.map((r) => r.seed),
      failed: group.length - done.length,
      meanIoU: meanSd(done.map((s) => s.meanIoU)),
      perClass: names.map((name, k) => ({
        name,
        iou: meanSd(done.map((s) => s.perClass[k]?.iou ?? null)),
        absentFalsePositiveImageRate: meanSd(
          done.map((s) => s.perClass[k]?.absentFalsePositiveImageRate ?? null),
        ),
      })),
    };
  });
}

const fmt = (m: MeanSd): string =>
  m.mean === null ? 'n/a' : m.sd === null ? m.mean.toFixed(3) : `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}`;

/**
 * The summary as a Markdown table: one row per loss, test mean IoU and per-class IoU as mean ± sd.
 *
 * @example
 * ```ts
 * summaryMarkdown(summarise(runs)); // '| loss | runs | mean IoU | ellipse | ... |\n| --- | ...'
 * ```
 */
export function summaryMarkdown(summary: readonly LossSummary[]): string {
  const names = summary.find((s) => s.perClass.length > 0)?.perClass.map((c) => c.name) ?? [];
  const head = ['loss', 'runs', 'mean IoU', ...names];
  const rows = summary.map((s) => [
    s.loss,
    s.failed > 0 ? `${s.meanIoU.n} (${s.failed} failed)` : String(s.meanIoU.n),
    fmt(s.meanIoU),
    ...names.map((_, k) => (s.perClass[k] ? fmt(s.perClass[k].iou) : 'n/a')),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}
