import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the built lab, `dist/web` of the segloss package: found by walking up from this file
 * to the folder holding `package.json` (this file is `src/web-server/` under tsx and
 * `dist/src/web-server/` when built), so it works from a checkout and from an installed package.
 *
 * @example
 * ```ts
 * labAppDir(); // '/…/segloss/dist/web'
 * ```
 */
export function labAppDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'dist', 'web');
}
