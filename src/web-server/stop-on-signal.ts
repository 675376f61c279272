import type { LabServer } from './server.js';

/**
 * Resolves with the signal's name once one of `signals` (default SIGINT, i.e. Ctrl-C, and SIGTERM)
 * arrives and `server` has closed; the handlers are removed again, so a second Ctrl-C during the close
 * ends the process as usual.
 *
 * @example
 * ```ts
 * const signal = await closeOnSignal(server); // 'SIGINT' after Ctrl-C
 * ```
 */
export function closeOnSignal(
  server: LabServer,
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, onSignal);
      void server.close().then(() => resolve(signal));
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
