/**
 * Experiments: every (loss, seed) pair trained and evaluated as its own child process (`segloss train`
 * then `segloss eval --json`), several at a time through the process pool (pool.ts), then aggregated
 * per loss (summary.ts). Resumable: a run whose `eval.json` exists is not run again, and a run with a
 * checkpoint continues from it (`train --resume`), so an interrupted experiment is finished by
 * starting the same command again.
 *
 * Layout of `out`: `<loss>/seed-<s>/` (the run folder of `segloss train`, plus `eval.json` and
 * `log.txt`), `summary.json`, `summary.md`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { runPool, type PoolCommand, type PoolJob, type PoolResult } from './pool.js';
import { summarise, summaryMarkdown, type LossSummary, type RunOutcome, type RunScores } from './summary.js';

const WHERE = 'runExperiment';

/** What to run. */
export interface ExperimentConfig {
  /** Dataset folder with train, val and test splits (e.g. from `segloss synth`). */
  data: string;
  losses: string[];
  seeds: number[];
  /** Results folder. */
  out: string;
  /** Split the runs are evaluated on (default 'test'). */
  split?: string;
  /** Processes at once (default: the machine's cores, at most the number of runs). */
  jobs?: number;
  /** Options per loss name, passed as `train --options`. */
  lossOptions?: Record<string, Record<string, unknown>>;
  /** Further `segloss train` flags for every run, e.g. `['--steps', '300', '--batch', '8']`. */
  trainArgs?: string[];
  /** `auto | wasm | cpu | node`, passed to every run. */
  backend?: string;
}

/** One planned run. */
export interface PlannedRun {
  loss: string;
  seed: number;
  dir: string;
  /** Already evaluated: skipped. */
  done: boolean;
  /** Has a run config from an earlier start: trained with `--resume`. */
  resume: boolean;
}

/** The result of {@link runExperiment}. */
export interface ExperimentResult {
  runs: RunOutcome[];
  summary: LossSummary[];
  /** Pool results of the runs started by this call (skipped runs have none). */
  pool: PoolResult[];
  jobs: number;
  seconds: number;
}

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

/** The runs of `config`, with what is already done on disk. */
export function planExperiment(config: ExperimentConfig): PlannedRun[] {
  if (config.losses.length === 0) fail(WHERE, 'losses is empty; expected at least one loss name');
  if (config.seeds.length === 0) fail(WHERE, 'seeds is empty; expected at least one seed');
  if (new Set(config.losses).size !== config.losses.length) fail(WHERE, 'losses has duplicates');
  if (new Set(config.seeds).size !== config.seeds.length) fail(WHERE, 'seeds has duplicates');
  for (const s of config.seeds) {
    if (!Number.isInteger(s) || s < 0) fail(WHERE, `seed ${s} is not an integer >= 0`);
  }
  return config.losses.flatMap((loss) =>
    config.seeds.map((seed) => {
      const dir = join(config.out, loss, `seed-${seed}`);
      return {
        loss,
        seed,
        dir,
        done: readScores(dir) !== null,
        resume: existsSync(join(dir, 'config.json')),
      };
    }),
  );
}

/** The scores in `dir/eval.json` (its last line), or null when it is missing or unreadable. */
function readScores(dir: string): RunScores | null {
  try {
    const lines = readFileSync(join(dir, 'eval.json'), 'utf8').trim().split('\n');
    const parsed = JSON.parse(lines[lines.length - 1]) as RunScores;
    return Array.isArray(parsed.perClass) ? parsed : null;
  } catch {
    return null;
  }
}

function jobOf(run: PlannedRun, config: ExperimentConfig): PoolJob {
  const backend = config.backend === undefined ? [] : ['--backend', config.backend];
  const options = config.lossOptions?.[run.loss];
  const train = ['train', '--data', config.data, '--loss', run.loss, '--seed', String(run.seed)];
  train.push('--out', run.dir, ...(config.trainArgs ?? []), ...backend);
  // The pool fills the cores with runs: one worker per run unless trainArgs ask for more.
  if (!(config.trainArgs ?? []).includes('--workers')) train.push('--workers', '1');
  if (options !== undefined) train.push('--options', JSON.stringify(options));
  if (run.resume) train.push('--resume');
  const evaluate = ['eval', '--model', run.dir, '--data', config.data, '--split', config.split ?? 'test'];
  evaluate.push('--json', ...backend);
  return {
    id: `${run.loss}/seed-${run.seed}`,
    logFile: join(run.dir, 'log.txt'),
    commands: [
      seglossCommand(train),
      { ...seglossCommand(evaluate), stdoutFile: join(run.dir, 'eval.json') },
    ],
  };
}

/**
 * Trains and evaluates every (loss, seed) of `config` in a pool of child processes, then writes
 * `summary.json` and `summary.md` to `config.out` (atomically) and returns the outcome. Failed runs are
 * reported in the result (with the end of their stderr), not thrown.
 *
 * @example
 * ```ts
 * const r = await runExperiment({
 *   data: 'data', out: 'exp', losses: ['crossentropy', 'marginal-crossentropy'], seeds: [1, 2, 3],
 *   trainArgs: ['--steps', '300', '--batch', '8', '--lr', '0.002'], jobs: 2,
 * });
 * console.log(summaryMarkdown(r.summary));
 * ```
 */
export async function runExperiment(
  config: ExperimentConfig,
  hooks: { onStart?: (id: string) => void; onDone?: (r: PoolResult) => void } = {},
): Promise<ExperimentResult> {
  const t0 = performance.now();
  if (!existsSync(config.data)) fail(WHERE, `data folder ${config.data} does not exist`);
  const plan = planExperiment(config);
  const todo = plan.filter((r) => !r.done);
  const jobs = config.jobs ?? Math.max(1, Math.min(availableParallelism(), todo.length));
  const pool = await runPool(
    todo.map((r) => jobOf(r, config)),
    { jobs, onStart: (j) => hooks.onStart?.(j.id), onDone: hooks.onDone },
  );
  const errors = new Map(pool.filter((p) => !p.ok).map((p) => [p.id, p.error]));
  const runs: RunOutcome[] = plan.map((r) => {
    const error = errors.get(`${r.loss}/seed-${r.seed}`);
    return { loss: r.loss, seed: r.seed, dir: r.dir, scores: readScores(r.dir), ...(error ? { error } : {}) };
  });
  const summary = summarise(runs);
  writeFileAtomic(
    WHERE,
    join(config.out, 'summary.json'),
    JSON.stringify({ config, runs, summary }, null, 2),
  );
  writeFileAtomic(WHERE, join(config.out, 'summary.md'), summaryMarkdown(summary));
  return { runs, summary, pool, jobs, seconds: (performance.now() - t0) / 1000 };
}
