import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { SeglossError } from '../core/errors.js';
import { checkKnownFlags } from './args.js';
import { processIO, type CliIO } from './io.js';
import { lossCommand } from './loss.js';
import { lossesCommand } from './losses.js';
import { demoCommand } from './demo.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';
import { synthCommand } from './synth.js';
import { experimentCommand } from './experiment.js';
import { inspectCommand } from './inspect.js';
import { exportCommand } from './export.js';
import { reportCommand } from './report.js';
import { labCommand } from './lab.js';

const SUBCOMMANDS: Record<string, CommandDef<ArgsDef>> = {
  demo: demoCommand as CommandDef<ArgsDef>,
  loss: lossCommand as CommandDef<ArgsDef>,
  losses: lossesCommand as CommandDef<ArgsDef>,
  train: trainCommand as CommandDef<ArgsDef>,
  eval: evalCommand as CommandDef<ArgsDef>,
  predict: predictCommand as CommandDef<ArgsDef>,
  synth: synthCommand as CommandDef<ArgsDef>,
  experiment: experimentCommand as CommandDef<ArgsDef>,
  inspect: inspectCommand as CommandDef<ArgsDef>,
  export: exportCommand as CommandDef<ArgsDef>,
  report: reportCommand as CommandDef<ArgsDef>,
  lab: labCommand as CommandDef<ArgsDef>,
};

const root = defineCommand({
  meta: {
    name: 'segloss',
    version: '0.1.0',
    description: 'Losses, training and evaluation for segmentation with incomplete labels',
  },
  subCommands: SUBCOMMANDS,
});

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code: 0 on success, 1 on a
 * user error (one line on stderr, no stack trace), 2 on an internal error (with its stack).
 *
 * @example
 * ```ts
 * await main(['loss', '--loss', 'crossentropy', '--y-true', 'y.npy', '--y-pred', 'p.npy', '--json']);
 * ```
 */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const rawArgs = [...argv];
  const name = rawArgs.find((a) => !a.startsWith('-'));
  const sub = name === undefined ? undefined : SUBCOMMANDS[name];
  try {
    if (rawArgs.includes('--version') && sub === undefined) {
      io.out('0.1.0');
      return finish(0);
    }
    if (sub === undefined || rawArgs.includes('--help') || rawArgs.includes('-h')) {
      if (name !== undefined && sub === undefined) {
        io.err(`segloss: unknown command '${name}'; commands are ${Object.keys(SUBCOMMANDS).join(', ')}`);
        return finish(1);
      }
      const usage = await renderUsage(sub ?? root, sub === undefined ? undefined : root);
      io.out(io.interactive ? usage : stripAnsi(usage));
      return finish(0);
    }
    const subArgs = rawArgs.slice(rawArgs.indexOf(name as string) + 1);
    checkKnownFlags(name as string, subArgs, (sub.args ?? {}) as ArgsDef);
    await runCommand(sub, { rawArgs: subArgs, data: { io } });
    return finish(0);
  } catch (e) {
    const err = e as Error;
    if (err instanceof SeglossError) {
      io.err(err.message);
      return finish(1);
    }
    if (err.name === 'CLIError') {
      io.err(`segloss ${name}: ${stripAnsi(err.message)}`);
      return finish(1);
    }
    io.err(`segloss: internal error: ${err.stack ?? err.message}`);
    return finish(2);
  }
}

function finish(code: number): number {
  process.exitCode = code;
  return code;
}

/** Removes terminal colour codes (citty colours its own messages and usage). */
function stripAnsi(text: string): string {
  const esc = String.fromCharCode(27);
  return text
    .split(esc)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[\d;]*m/, '')))
    .join('');
}
