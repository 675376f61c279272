import cliProgress from 'cli-progress';
import type { StepProgress } from './loop.js';

/** Receives {@link StepProgress} after each step; `stop` ends a bar. */
export interface ProgressReporter {
  update(p: StepProgress): void;
  stop(): void;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function rates(p: StepProgress): { imagesPerSecond: number; eta: number } {
  const done = p.step - p.firstStep + 1;
  const perStep = p.elapsed / done;
  return { imagesPerSecond: (done * p.batchSize) / p.elapsed, eta: perStep * (p.steps - p.step) };
}

/** The plain progress line: `step 40/300 loss 0.4321 12.3 img/s ETA 1m05s [val mIoU 0.512]`. */
export function progressLine(p: StepProgress): string {
  const { imagesPerSecond, eta } = rates(p);
  const val = p.validation ? ` val mIoU ${p.validation.meanIoU?.toFixed(3) ?? 'n/a'}` : '';
  const ckpt = p.checkpoint ? ' (checkpoint)' : '';
  return (
    `step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} ${imagesPerSecond.toFixed(1)} img/s ` +
    `ETA ${formatDuration(eta)}${val}${ckpt}`
  );
}

/**
 * Progress on standard error: a redrawn bar (cli-progress) on a terminal, otherwise one plain
 * {@link progressLine} every `every` steps and at every validation, checkpoint and the last step.
 */
export function progressReporter(
  io: { err(line: string): void; readonly interactive: boolean },
  every: number,
): ProgressReporter {
  if (io.interactive) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(p) {
        if (bar === undefined) {
          bar = new cliProgress.SingleBar(
            {
              format: 'train |{bar}| {value}/{total} loss {loss} {ips} img/s ETA {etaText}{val}',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.steps, p.firstStep - 1, { loss: '-', ips: '-', etaText: '?', val: '' });
        }
        const { imagesPerSecond, eta } = rates(p);
        bar.update(p.step, {
          loss: p.loss.toFixed(4),
          ips: imagesPerSecond.toFixed(1),
          etaText: formatDuration(eta),
          ...(p.validation ? { val: ` val mIoU ${p.validation.meanIoU?.toFixed(3) ?? 'n/a'}` } : {}),
        });
      },
      stop() {
        bar?.stop();
      },
    };
  }
  return {
    update(p) {
      if (p.step % every === 0 || p.step === p.steps || p.validation || p.checkpoint) io.err(progressLine(p));
    },
    stop() {},
  };
}
