/**
 * Experiments and studies: every (method, drop setting, seed) of a study (study-plan.ts) trained and
 * evaluated as its own child process (`segloss train` then `segloss eval --json`), several at a time
 * through the process pool (pool.ts), then aggregated into `summary.json` (study-summary.ts, schema in
 * study-types.ts) and `summary.md`. Idempotent and resumable: a run whose `eval.json` exists is not
 * run again, and a run with a checkpoint continues from it (`train --resume`), so an interrupted study
 * is finished by starting the same command again, and `--only` runs single runs of it (one command per
 * run for an external scheduler, see `studyCommands`).
 *
 * Layout of `out`: `experiment.json` (the study config), `<mode>-<rate>/<method>/seed-<s>/` (or
 * `<method>/seed-<s>/` without drop modes; `oracle/seed-<s>/`): the run folder of `segloss train` plus
 * `eval.json` and `log.txt`; `summary.json`, `summary.md`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { canonicalJson } from '../train/config.js';
import { openDataset } from '../data/dataset.js';
import { runPool, type PoolCommand, type PoolJob, type PoolResult } from './pool.js';
import { studyEnvironment } from './environment.js';
import { evalArgsOf, planStudy, trainArgsOf, type PlannedStudyRun, type StudyConfig } from './study-plan.js';
import { buildStudySummary, readRunScores, readStudyConfig } from './study-summary.js';
import { studyMarkdown } from './study-markdown.js';
import type { StudyEnvironment, StudySummary } from './study-types.js';

const WHERE = 'runExperiment';

/** Node options that the child processes need to load the CLI as this process did (e.g. `--import tsx`). */
function loaderArgs(): string[] {
  const keep: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (
      ['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(a) &&
      i + 1 < argv.length
    )
      keep.push(a, argv[++i]);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a)) keep.push(a);
  }
  return keep;
}

/**
 * The command that runs the segloss CLI with `args` in a child process (the same Node, the CLI entry
 * next to this module: `dist/src/cli/entry.js`, or `src/cli/entry.ts` under tsx).
 *
 * @example
 * ```ts
 * seglossCommand(['eval', '--model', 'runs/a', '--data', 'data', '--json']);
 * // { command: '/usr/bin/node', args: ['.../cli/entry.js', 'eval', ...] }
 * ```
 */
export function seglossCommand(args: string[]): PoolCommand {
  const here = fileURLToPath(import.meta.url);
  const entry = join(dirname(here), '..', 'cli', here.endsWith('.ts') ? 'entry.ts' : 'entry.js');
  return { command: process.execPath, args: [...loaderArgs(), entry, ...args] };
}

/** What {@link runExperiment} runs: a study, how many processes at once, and which runs. */
export interface ExperimentConfig extends StudyConfig {
  /** Processes at once (default: the machine's cores, at most the number of runs). */
  jobs?: number;
  /** Run only these run ids (see `PlannedStudyRun.id`); default all. */
  only?: string[];
  /** The command line, recorded in summary.json. */
  command?: string;
}

/** The result of {@link runExperiment}. */
export interface ExperimentResult {
  summary: StudySummary;
  /** Every planned run. */
  plan: PlannedStudyRun[];
  /** Pool results of the runs started by this call (finished runs are skipped and have none). */
  pool: PoolResult[];
  jobs: number;
  seconds: number;
}

/** The study config as saved in `experiment.json` (what fixes the runs; not jobs, only, command). */
function savedConfig(config: ExperimentConfig): StudyConfig {
  const { jobs: _j, only: _o, command: _c, ...rest } = config;
  void [_j, _o, _c];
  return rest;
}

/**
 * Checks that a study with drop modes starts from complete labels: every training item of the
 * dataset annotates every class (no `annotated.json` entry leaves one out).
 */
function checkCompleteTraining(config: StudyConfig): void {
  if ((config.dropModes ?? []).length === 0) return;
  const hasSplit = existsSync(join(config.data, 'train'));
  const ds = openDataset(config.data, hasSplit ? { split: 'train' } : {});
  const c = ds.classes.length;
  const partial = ds.items.filter((it) => it.annotated !== undefined && new Set(it.annotated).size < c);
  if (partial.length > 0) {
    fail(
      WHERE,
      `--drop-mode needs a fully annotated training split; ${partial.length} training image(s) of ${config.data} ` +
        `(e.g. ${partial[0].name}) do not annotate every class (make one with segloss synth --missing-rate 0)`,
    );
  }
}

/** Writes `experiment.json`, or checks that the one there describes the same study. */
function saveStudyConfig(config: StudyConfig): void {
  const path = join(config.out, 'experiment.json');
  const text = JSON.stringify({ format: 'segloss-experiment', version: 1, config }, null, 1) + '\n';
  if (existsSync(path)) {
    let old: unknown;
    try {
      old = (JSON.parse(readFileSync(path, 'utf8')) as { config?: unknown }).config;
    } catch {
      old = undefined;
    }
    if (canonicalJson(old) !== canonicalJson(config)) {
      fail(
        WHERE,
        `${config.out} holds another experiment (its experiment.json differs); choose another --out`,
      );
    }
    return;
  }
  writeFileAtomic(WHERE, path, text);
}

/** The backend the runs used, from the first run log that names it ('auto' when none does). */
function backendOfRuns(plan: readonly PlannedStudyRun[], flag: string | undefined): string {
  for (const r of plan) {
    try {
      const m = /on (\w+) in [\d.]+ s/.exec(readFileSync(join(r.dir, 'log.txt'), 'utf8'));
      if (m) return m[1];
    } catch {
      // no log yet
    }
  }
  return flag ?? 'auto';
}

/**
 * Writes `summary.json` and `summary.md` of the study folder `out` (atomically) and returns the
 * summary: whatever has finished, so it also merges runs done elsewhere (`--only`, another machine).
 */
export function writeStudySummary(
  out: string,
  command: string,
  environment?: StudyEnvironment,
): StudySummary {
  let env = environment;
  if (env === undefined) {
    const config = readStudyConfig(out);
    env = studyEnvironment(
      config.data,
      command,
      backendOfRuns(planStudy({ ...config, out }), config.backend),
    );
  }
  const summary = buildStudySummary(out, env);
  writeFileAtomic(WHERE, join(out, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
  writeFileAtomic(WHERE, join(out, 'summary.md'), studyMarkdown(summary));
  return summary;
}

function jobOf(run: PlannedStudyRun, config: StudyConfig): PoolJob {
  const resume = existsSync(join(run.dir, 'config.json'));
  return {
    id: run.id,
    logFile: join(run.dir, 'log.txt'),
    commands: [
      seglossCommand(trainArgsOf(run, config, resume)),
      { ...seglossCommand(evalArgsOf(run, config)), stdoutFile: join(run.dir, 'eval.json') },
    ],
  };
}

/**
 * Trains and evaluates every run of the study `config` (or the `only` ones) in a pool of child
 * processes, then writes `summary.json` and `summary.md` to `config.out` and returns the outcome.
 * Failed runs are reported in the pool results and as runs without scores, not thrown. Everything is
 * checked before anything is written or spawned.
 *
 * @example
 * ```ts
 * const r = await runExperiment({
 *   data: 'data', out: 'study', losses: ['crossentropy', 'marginal-crossentropy'], seeds: [1, 2, 3, 4, 5, 6],
 *   dropModes: ['object', 'class'], dropRates: [0.3, 0.6], baselines: ['oracle', 'drop-incomplete'],
 *   trainArgs: ['--steps', '300', '--batch', '8', '--lr', '0.002'], jobs: 2,
 * });
 * r.summary.comparisons; // paired differences against crossentropy
 * ```
 */
export async function runExperiment(
  config: ExperimentConfig,
  hooks: { onStart?: (id: string) => void; onDone?: (r: PoolResult) => void } = {},
): Promise<ExperimentResult> {
  const t0 = performance.now();
  if (!existsSync(config.data)) fail(WHERE, `data folder ${config.data} does not exist`);
  const plan = planStudy(config);
  const ids = new Set(plan.map((r) => r.id));
  for (const id of config.only ?? []) {
    if (!ids.has(id))
      fail(WHERE, `--only '${id}' is not a run of this study (e.g. '${plan[0].id}'; see --plan)`);
  }
  checkCompleteTraining(config);
  saveStudyConfig(savedConfig(config));
  const wanted = config.only === undefined ? plan : plan.filter((r) => config.only?.includes(r.id));
  const todo = wanted.filter((r) => readRunScores(r.dir) === null);
  const jobs = config.jobs ?? Math.max(1, Math.min(availableParallelism(), todo.length));
  const pool = await runPool(
    todo.map((r) => jobOf(r, config)),
    { jobs, onStart: (j) => hooks.onStart?.(j.id), onDone: hooks.onDone },
  );
  const summary = writeStudySummary(config.out, config.command ?? 'segloss experiment');
  return { summary, plan, pool, jobs, seconds: (performance.now() - t0) / 1000 };
}
