/**
 * A pool of child processes: independent jobs (training runs of an experiment) run side by side, at
 * most `jobs` at a time, one core each. This is how segloss uses several cores: tfjs' wasm backend runs
 * on one thread in Node, so separate runs in separate processes scale where threads inside one run
 * cannot (see the README's performance section).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';

/** One command of a job. */
export interface PoolCommand {
  /** Executable, e.g. `process.execPath`. */
  command: string;
  args: string[];
  /** When set, the command's stdout is written to this file (atomically) once it exits with 0. */
  stdoutFile?: string;
}

/** A job: commands run one after the other; the first that fails ends the job. */
export interface PoolJob {
  id: string;
  commands: PoolCommand[];
  /** Both streams of every command are appended here (folders are created). */
  logFile?: string;
  /** Extra environment variables for the job's processes. */
  env?: Record<string, string>;
}

/** How a job ended. */
export interface PoolResult {
  id: string;
  ok: boolean;
  /** Exit code of the last command run (null when it was killed by a signal). */
  code: number | null;
  signal: string | null;
  /** Wall time of the whole job, ms. */
  ms: number;
  /** The last lines of the failing command's stderr (empty when ok). */
  error: string;
}

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Processes at once (at least 1). */
  jobs: number;
  onStart?: (job: PoolJob) => void;
  onDone?: (result: PoolResult) => void;
}

const TAIL_BYTES = 4000;

/** The children of every running pool, so that a signal to this process can end them too. */
const live = new Set<ChildProcess>();

/**
 * While a pool runs, SIGINT and SIGTERM to this process are passed on to its children before this
 * process ends as it would have (no orphaned training runs; their checkpoints let them resume).
 */
function forwardSignals(): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      for (const child of live) child.kill(signal);
      for (const [s, h] of handlers) process.off(s, h);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}

function runCommand(
  cmd: PoolCommand,
  job: PoolJob,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd.command, cmd.args, {
      env: { ...process.env, ...job.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    const out: Buffer[] = [];
    let errTail = '';
    const log = (chunk: Buffer) => {
      if (job.logFile !== undefined) appendFileSync(job.logFile, chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (cmd.stdoutFile !== undefined) out.push(chunk);
      log(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString('utf8')).slice(-TAIL_BYTES);
      log(chunk);
    });
    child.on('error', (e) => {
      live.delete(child);
      resolve({ code: null, signal: null, stderr: e.message });
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      if (code === 0 && cmd.stdoutFile !== undefined)
        writeFileAtomic('runPool', cmd.stdoutFile, Buffer.concat(out));
      resolve({ code, signal, stderr: errTail });
    });
  });
}

async function runJob(job: PoolJob): Promise<PoolResult> {
  const t0 = performance.now();
  if (job.logFile !== undefined) mkdirSync(dirname(job.logFile), { recursive: true });
  let last: { code: number | null; signal: string | null; stderr: string } = {
    code: 0,
    signal: null,
    stderr: '',
  };
  for (const cmd of job.commands) {
    last = await runCommand(cmd, job);
    if (last.code !== 0) break;
  }
  const ok = last.code === 0;
  const error = ok ? '' : last.stderr.trim().split('\n').slice(-5).join('\n');
  return { id: job.id, ok, code: last.code, signal: last.signal, ms: performance.now() - t0, error };
}

/**
 * Runs `jobs` with at most `options.jobs` at a time, in the order given, and returns their results in
 * the same order. A failing job does not stop the others. SIGINT or SIGTERM to this process while the
 * pool runs is passed on to the running children, then ends this process.
 *
 * @example
 * ```ts
 * const results = await runPool(
 *   [{ id: 'a', commands: [{ command: process.execPath, args: ['-e', 'console.log(1)'] }] }],
 *   { jobs: 2 },
 * );
 * // results[0].ok === true
 * ```
 */
export async function runPool(jobs: readonly PoolJob[], options: PoolOptions): Promise<PoolResult[]> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1)
    fail('runPool', `jobs is ${options.jobs}; expected an integer >= 1`);
  const ids = new Set(jobs.map((j) => j.id));
  if (ids.size !== jobs.length) fail('runPool', 'job ids must be unique');
  const results: PoolResult[] = new Array<PoolResult>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      options.onStart?.(jobs[index]);
      results[index] = await runJob(jobs[index]);
      options.onDone?.(results[index]);
    }
  };
  const restore = forwardSignals();
  try {
    await Promise.all(Array.from({ length: Math.min(options.jobs, jobs.length) }, worker));
  } finally {
    restore();
  }
  return results;
}
