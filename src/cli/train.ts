import { defineCommand, type ArgsDef } from 'citty';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '../backend/setup.js';
import { train } from '../train/loop.js';
import { readRunConfig } from '../train/model-io.js';
import { progressReporter } from '../train/progress.js';
import { runConfigFrom } from '../train/run-config.js';
import { RUN_OPTIONS, runOptionHelp, type RunInput, type RunOptionName } from '../train/run-options.js';
import { backendFlag, intFlag } from './args.js';
import { fail } from '../core/errors.js';
import type { CliIO } from './io.js';

const NAME = 'train';
const WHERE = `segloss ${NAME}`;

/** citty flags of the run options, with their defaults in the help (from `RUN_OPTIONS`). */
export function runOptionFlags(
  names: readonly RunOptionName[] = Object.keys(RUN_OPTIONS) as RunOptionName[],
): ArgsDef {
  return Object.fromEntries(
    names.map((name) => [
      name,
      { type: RUN_OPTIONS[name].kind === 'boolean' ? 'boolean' : 'string', description: runOptionHelp(name) },
    ]),
  ) as ArgsDef;
}

/** The run-option values among parsed flags (citty gives every declared flag, `undefined` when absent). */
export function runInputOf(args: Record<string, unknown>): RunInput {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(RUN_OPTIONS)) if (args[name] !== undefined) out[name] = args[name];
  return out as RunInput;
}

/** `segloss train`: trains a U-Net with a registered loss, with checkpoints and resume. */
export const trainCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Train a U-Net on a PNG dataset or synthetic scenes with a registered loss',
  },
  args: {
    ...runOptionFlags(),
    out: { type: 'string', description: 'run folder (checkpoints, metrics.json, curves)', required: true },
    resume: { type: 'boolean', description: 'continue the run in --out from its last checkpoint' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto; env SEGLOSS_BACKEND)' },
    workers: {
      type: 'string',
      description: 'threads that share each batch (default: the number of cores, at most --batch)',
    },
    json: { type: 'boolean', description: 'print one JSON object at the end' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const backend = await setupBackend(backendFlag(NAME, args.backend));
    const runDir = args.out;
    const base =
      args.resume && existsSync(join(runDir, 'config.json')) ? readRunConfig(runDir, WHERE) : undefined;
    const config = runConfigFrom(runInputOf(args), base, WHERE);
    const workers =
      typeof args.workers === 'string'
        ? intFlag(NAME, 'workers', args.workers, 1, 4096)
        : Math.min(availableParallelism(), config.batchSize);
    if (workers > config.batchSize) {
      fail(
        WHERE,
        `--workers is ${workers}; expected at most --batch (${config.batchSize}): each worker takes at least one image`,
      );
    }
    const every = Math.max(1, Math.floor(config.steps / 20));
    const progress = progressReporter(io, every);
    let result;
    try {
      result = await train({
        config,
        runDir,
        resume: Boolean(args.resume),
        workers,
        onProgress: (p) => progress.update(p),
      });
    } finally {
      progress.stop();
    }
    const summary = {
      runDir,
      backend,
      workers,
      steps: result.step,
      resumedFrom: result.resumedFrom,
      finalLoss: result.history.loss.at(-1) ?? null,
      validation: result.finalValidation ?? null,
      best: result.best,
      seconds: result.seconds,
      batchNormSeconds: result.batchNormSeconds,
    };
    if (args.json) {
      io.out(JSON.stringify(summary));
      return;
    }
    const v = result.finalValidation;
    io.out(
      `trained ${result.step - result.resumedFrom} step(s) on ${backend} in ${result.seconds.toFixed(1)} s` +
        ` with ${workers} worker${workers > 1 ? 's' : ''}` +
        (result.resumedFrom > 0 ? ` (resumed from step ${result.resumedFrom})` : ''),
    );
    io.out(`final loss ${summary.finalLoss?.toFixed(4) ?? 'n/a'}`);
    if (result.batchNormSeconds > 0)
      io.out(`batch-norm statistics re-estimated in ${result.batchNormSeconds.toFixed(1)} s in all`);
    if (v) {
      io.out(`validation mIoU ${v.meanIoU?.toFixed(4) ?? 'n/a'} at step ${v.step}`);
      config.classNames.forEach((name, k) =>
        io.out(`  ${name}: IoU ${v.perClassIoU[k]?.toFixed(4) ?? 'n/a'}`),
      );
    }
    if (result.best !== null)
      io.out(
        `best validation mIoU ${result.best.meanIoU.toFixed(4)} at step ${result.best.step} (best.json)`,
      );
    io.out(`run folder: ${runDir} (metrics.json, training-curves.png, checkpoints/)`);
  },
});
