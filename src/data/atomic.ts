import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { fail } from '../core/errors.js';

let counter = 0;

/**
 * Writes `data` to `path` atomically: the bytes go to a temporary file in the same directory
 * (`.<name>.<pid>.<n>.tmp`), which is then renamed over `path`, so a reader never sees a half-written
 * file. Parent directories are created. On failure the temporary file is removed and a
 * `segloss: <where>: <path>: ...` error is thrown.
 */
export function writeFileAtomic(where: string, path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    fail(`${where}: ${path}`, `cannot write (${(e as Error).message})`);
  }
}
