/** Helpers shared by the CLI integration tests: run `segloss` in-process, and tiny training flags. */
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';

/** Runs the CLI in this process and returns its exit code and what it printed. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(argv, io);
  process.exitCode = 0;
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** Options of {@link tinyTrainArgs}. */
export interface TinyTrainOptions {
  readonly steps?: number;
  readonly seed?: number;
  readonly checkpointEvery?: number;
  readonly extra?: readonly string[];
}

/**
 * Flags of a tiny `segloss train` run (16x16 synthetic scenes, depth 2, 4 filters, missing-aware loss
 * at a 0.3 missing rate, wasm), seconds long; `extra` adds or overrides flags.
 */
export function tinyTrainArgs(out: string, options: TinyTrainOptions = {}): string[] {
  const { steps = 12, seed = 5, checkpointEvery = 4, extra = [] } = options;
  const flags: Record<string, string> = {
    data: 'synthetic',
    size: '16',
    n: '12',
    'val-n': '4',
    'missing-rate': '0.3',
    loss: 'missing-aware-crossentropy',
    depth: '2',
    filters: '4',
    batch: '4',
    lr: '0.01',
    seed: String(seed),
    steps: String(steps),
    'checkpoint-every': String(checkpointEvery),
    backend: 'wasm',
    out,
  };
  return ['train', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), '--json', ...extra];
}
