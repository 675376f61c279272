import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { getLoss } from '../losses/registry.js';
import { runExperiment, type ExperimentConfig } from '../experiment/grid.js';
import { studyMarkdown } from '../experiment/study-markdown.js';
import { writeStudyReport } from '../experiment/study-report-write.js';
import { setupBackend } from '../backend/setup.js';
import { planStudy, type AnnotatedSource, type Baseline } from '../experiment/study-plan.js';
import type { LabelDropMode } from '../synth/drop-modes.js';
import { backendFlag, intFlag, jsonObjectFlag, numberFlag } from './args.js';
import type { CliIO } from './io.js';
import { RUN_OPTIONS, type RunOption, type RunOptionName } from '../train/run-options.js';
import { runOptionFlags } from './train.js';

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

/** The `segloss train` flags that an experiment passes to every run (rows of `RUN_OPTIONS` marked so). */
const TRAIN_FLAGS = (Object.keys(RUN_OPTIONS) as RunOptionName[]).filter(
  (k) => (RUN_OPTIONS[k] as RunOption).experiment === true,
);

/** `segloss experiment`: every (loss, seed) trained and evaluated in a pool of processes, then aggregated. */
export const experimentCommand = defineCommand({
  meta: {
    name: NAME,
    description:
      'Train and evaluate methods x drop settings x seeds in a pool of processes; paired statistics (resumable)',
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
    ...Object.fromEntries(
      Object.entries(runOptionFlags(TRAIN_FLAGS)).map(([k, d]) => [
        k,
        { ...d, description: `train: ${(d as { description: string }).description}` },
      ]),
    ),
    backend: { type: 'string', description: 'auto | wasm | cpu | node, for every run (default auto)' },
    'drop-mode': {
      type: 'string',
      description:
        'object,class,subset: remove labels of a fully annotated training split (see train --drop-mode)',
    },
    'drop-rates': { type: 'string', description: 'comma-separated drop rates in [0, 1], e.g. 0,0.3,0.6,0.9' },
    annotated: {
      type: 'string',
      description: 'explicit,infer: how partial-label losses learn the annotated classes (default explicit)',
    },
    baselines: {
      type: 'string',
      description: 'oracle,drop-incomplete,ignore-background: baselines beside the losses',
    },
    reference: { type: 'string', description: 'method the others are compared with (default crossentropy)' },
    only: { type: 'string', description: 'comma-separated run ids to run (see --plan)' },
    plan: {
      type: 'boolean',
      description: 'print one command per run (for SLURM, GNU parallel, ...) and exit',
    },
    json: { type: 'boolean', description: 'print the summary as one JSON object' },
  },
  async run({ args, data, rawArgs }) {
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
      else if (typeof v === 'boolean') trainArgs.push(v ? `--${flag}` : `--no-${flag}`);
    }
    const optional = (flag: string) => {
      const v = (args as Record<string, unknown>)[flag];
      return typeof v === 'string' ? listFlag(flag, v) : undefined;
    };
    const config: ExperimentConfig = {
      data: args.data,
      losses,
      seeds,
      out: args.out,
      split: args.split,
      jobs: args.jobs === undefined ? undefined : intFlag(NAME, 'jobs', args.jobs, 1, 256),
      lossOptions: lossOptions as Record<string, Record<string, unknown>>,
      trainArgs,
      backend: args.backend === undefined ? undefined : backendFlag(NAME, args.backend),
      dropModes: optional('drop-mode') as LabelDropMode[] | undefined,
      dropRates: optional('drop-rates')?.map((r) => numberFlag(NAME, 'drop-rates', r, 0, 1)),
      annotated: optional('annotated') as AnnotatedSource[] | undefined,
      baselines: optional('baselines') as Baseline[] | undefined,
      reference: args.reference,
      only: optional('only'),
      command: ['segloss', 'experiment', ...rawArgs].join(' '),
    };
    if (args.plan) {
      // One command per run, for an external scheduler; each is idempotent and resumable.
      const keep: string[] = [];
      for (let i = 0; i < rawArgs.length; i++) {
        const a = rawArgs[i];
        if (a === '--jobs' || a === '--only') i++;
        else if (a !== '--plan' && !/^--(jobs|only)=/.test(a)) keep.push(a);
      }
      for (const run of planStudy(config)) {
        io.out(['segloss', 'experiment', ...keep.map(shellQuote), '--jobs', '1', '--only', run.id].join(' '));
      }
      return;
    }
    const result = await runExperiment(config, {
      onStart: (id) => io.err(`started ${id}`),
      onDone: (r) =>
        io.err(
          `${r.ok ? 'finished' : 'FAILED'} ${r.id} in ${(r.ms / 1000).toFixed(1)} s${r.ok ? '' : `: ${r.error}`}`,
        ),
    });
    // The report of whatever has finished (predictions need a backend in this process).
    await setupBackend(backendFlag(NAME, config.backend ?? 'auto'));
    const report = await writeStudyReport(args.out, result.summary);
    const failed = result.pool.filter((p) => !p.ok);
    if (args.json)
      io.out(
        JSON.stringify({
          out: args.out,
          jobs: result.jobs,
          seconds: result.seconds,
          summary: result.summary,
        }),
      );
    else {
      io.out(
        `${result.plan.length} run(s), ${result.pool.length} run now with ${result.jobs} process(es) in ${result.seconds.toFixed(1)} s`,
      );
      io.out(studyMarkdown(result.summary).trimEnd());
      io.out(`results: ${args.out}/summary.md, summary.json, ${report.file} and one folder per run`);
    }
    if (failed.length > 0) {
      fail(
        WHERE,
        `${failed.length} run(s) failed: ${failed.map((r) => r.id).join(', ')} (see log.txt in their folders)`,
      );
    }
  },
});

/** A word for a POSIX shell: bare when safe, else single-quoted. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
