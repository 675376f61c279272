import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of `xdg-open` on `PATH`, or null. */
function findXdgOpen(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, 'xdg-open');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Opens `url` in the desktop's browser with `xdg-open` when it is on `PATH` (detached, output
 * discarded) and returns true; returns false when there is none, so the caller prints the URL instead.
 *
 * @example
 * ```ts
 * if (!openInBrowser(server.url)) console.log(`open ${server.url}`);
 * ```
 */
export function openInBrowser(url: string): boolean {
  const xdg = findXdgOpen();
  if (xdg === null) return false;
  const child = spawn(xdg, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
  return true;
}
