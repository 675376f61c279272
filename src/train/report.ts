import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import { writeLineChart, type Series } from '../report/chart.js';
import type { TrainHistory } from './checkpoint.js';
import type { RunConfig } from './config.js';

/** `RUN_DIR/metrics.json`: the loss curve and the validation IoU per class over time. */
export interface TrainingMetrics {
  readonly loss: { readonly name: string; readonly options: Record<string, unknown> };
  readonly classNames: readonly string[];
  readonly steps: readonly number[];
  readonly trainLoss: readonly number[];
  readonly validation: TrainHistory['validation'];
}

/**
 * Writes `metrics.json` and the training-curve figure `training-curves.png` / `.svg` (training loss,
 * smoothed over a window of `max(1, steps/50)` steps, and validation mean and per-class IoU against
 * the step), each atomically.
 *
 * @returns the paths written
 */
export function writeTrainingReport(runDir: string, config: RunConfig, history: TrainHistory): string[] {
  const metrics: TrainingMetrics = {
    loss: config.loss,
    classNames: config.classNames,
    steps: history.steps,
    trainLoss: history.loss,
    validation: history.validation,
  };
  const paths = [join(runDir, 'metrics.json')];
  writeFileAtomic('writeTrainingReport', paths[0], JSON.stringify(metrics) + '\n');
  if (history.steps.length === 0) return paths;
  const window = Math.max(1, Math.floor(history.steps.length / 50));
  const smooth = history.loss.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    const part = history.loss.slice(from, i + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
  const series: Series[] = [{ name: 'train loss', x: history.steps, y: smooth }];
  if (history.validation.length > 0) {
    const x = history.validation.map((v) => v.step);
    series.push({ name: 'val mIoU', x, y: history.validation.map((v) => v.meanIoU ?? NaN) });
    config.classNames.forEach((name, k) => {
      series.push({ name: `IoU ${name}`, x, y: history.validation.map((v) => v.perClassIoU[k] ?? NaN) });
    });
  }
  for (const ext of ['png', 'svg']) {
    const path = join(runDir, `training-curves.${ext}`);
    writeLineChart(path, series, {
      title: `${config.loss.name}: training loss and validation IoU`,
      xLabel: 'step',
      width: 560,
      height: 340,
    });
    paths.push(path);
  }
  return paths;
}
