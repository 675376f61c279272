/**
 * Where a command writes: standard output for results, standard error for progress and errors. Tests
 * pass their own to capture what a command prints without a subprocess.
 */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Whether progress bars may redraw in place (a terminal). */
  readonly interactive: boolean;
}

/** The process's own streams. */
export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** An IO that records every line, for tests. */
export function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}
