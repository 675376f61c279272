/**
 * Errors raised by segloss for bad input. Every message starts with `segloss: <where>:` so that a user
 * sees which function or command rejected which argument, and the CLI can print it as one line.
 *
 * @example
 * ```ts
 * fail('crossentropy', 'yPred has shape [2,4] but yTrue has [2,3]');
 * // throws SeglossError('segloss: crossentropy: yPred has shape [2,4] but yTrue has [2,3]')
 * ```
 */
export class SeglossError extends Error {
  /** The function or command that raised it, e.g. `crossentropy` or `segloss loss`. */
  readonly where: string;

  constructor(where: string, message: string) {
    super(`segloss: ${where}: ${message}`);
    this.name = 'SeglossError';
    this.where = where;
  }
}

/** Throws a {@link SeglossError} naming `where`; typed `never` so callers can use it in expressions. */
export function fail(where: string, message: string): never {
  throw new SeglossError(where, message);
}

/** Formats a shape as `[8,64,64,4]` for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
