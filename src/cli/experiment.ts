import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { getLoss } from '../losses/registry.js';
import { runExperiment } from '../experiment/grid.js';
import { summaryMarkdown } from '../experiment/summary.js';
import { backendFlag, intFlag, jsonObjectFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'experiment';
const WHERE = `segloss ${NAME}`;

/** Splits a comma-separated flag into its non-empty items. */
function listFlag(flag: string, value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) fail(WHERE, `--${flag} is empty; expected a comma-separated list`);
  return items;
}

/** The `segloss train` flags that an experiment passes to every run. */
const TRAIN_FLAGS = [
  'steps',
  'batch',
  'lr',
  'lr-schedule',
  'warmup',
  'bn-batches',
  'ema',
  'checkpoint-every',
  'validate-every',
  'depth',
  'filters',
] as const;

/** `segloss experiment`: every (loss, seed) trained and evaluated in a pool of processes, then aggregated. */
export const experimentCommand = defineCommand({
  meta: {
    name: NAME,
    description:
      'Train and evaluate losses x seeds in a pool of processes: test IoU as mean ± sd (resumable)',
  },
  args: {
    data: { type: 'string', description: 'dataset folder with train, val and test splits', required: true },
    losses: {
      type: 'string',
      description: 'comma-separated loss names (see segloss losses)',
      required: true,
    },
    seeds: { type: 'string', description: 'comma-separated training seeds (default 1,2,3)' },
    out: { type: 'string', description: 'results folder (one run folder per loss and seed)', required: true },
    jobs: { type: 'string', description: 'runs at once, one process each (default: the number of cores)' },
    split: { type: 'string', description: "split to evaluate on (default 'test')" },
    'loss-options': {
      type: 'string',
      description: 'JSON object of options per loss, e.g. \'{"focal":{"gamma":2}}\'',
    },
    steps: { type: 'string', description: 'train: optimisation steps (default 200)' },
    batch: { type: 'string', description: 'train: images per step (default 8)' },
    lr: { type: 'string', description: 'train: Adam learning rate (default 0.001)' },
    'checkpoint-every': { type: 'string', description: 'train: steps between checkpoints (default 50)' },
    depth: { type: 'string', description: 'train: U-Net levels (default 3)' },
    filters: { type: 'string', description: 'train: filters at the first level (default 16)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node, for every run (default auto)' },
    json: { type: 'boolean', description: 'print the summary as one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const losses = listFlag('losses', args.losses);
    for (const loss of losses) getLoss(loss);
    const seeds = listFlag('seeds', args.seeds ?? '1,2,3').map((s) =>
      intFlag(NAME, 'seeds', s, 0, 2 ** 31 - 1),
    );
    const lossOptions = jsonObjectFlag(NAME, 'loss-options', args['loss-options']);
    for (const [name, options] of Object.entries(lossOptions)) {
      if (!losses.includes(name)) fail(WHERE, `--loss-options names '${name}', which is not in --losses`);
      if (options === null || typeof options !== 'object' || Array.isArray(options))
        fail(WHERE, `--loss-options: the options of '${name}' must be a JSON object`);
    }
    const trainArgs: string[] = [];
    for (const flag of TRAIN_FLAGS) {
      const v = (args as Record<string, unknown>)[flag];
      if (typeof v === 'string') trainArgs.push(`--${flag}`, v);
    }
    const result = await runExperiment(
      {
        data: args.data,
        losses,
        seeds,
        out: args.out,
        split: args.split,
        jobs: args.jobs === undefined ? undefined : intFlag(NAME, 'jobs', args.jobs, 1, 256),
        lossOptions: lossOptions as Record<string, Record<string, unknown>>,
        trainArgs,
        backend: args.backend === undefined ? undefined : backendFlag(NAME, args.backend),
      },
      {
        onStart: (id) => io.err(`started ${id}`),
        onDone: (r) =>
          io.err(
            `${r.ok ? 'finished' : 'FAILED'} ${r.id} in ${(r.ms / 1000).toFixed(1)} s${r.ok ? '' : `: ${r.error}`}`,
          ),
      },
    );
    const failed = result.runs.filter((r) => r.scores === null);
    if (args.json)
      io.out(
        JSON.stringify({
          out: args.out,
          jobs: result.jobs,
          seconds: result.seconds,
          summary: result.summary,
          runs: result.runs,
        }),
      );
    else {
      io.out(
        `${result.runs.length} run(s), ${result.pool.length} run now with ${result.jobs} process(es) in ${result.seconds.toFixed(1)} s`,
      );
      io.out(summaryMarkdown(result.summary).trimEnd());
      io.out(`results: ${args.out}/summary.md, summary.json and one folder per run`);
    }
    if (failed.length > 0) {
      fail(
        WHERE,
        `${failed.length} run(s) failed: ${failed.map((r) => `${r.loss}/seed-${r.seed}`).join(', ')} (see log.txt in their folders)`,
      );
    }
  },
});
