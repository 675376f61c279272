import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudyEnvironment } from './study-types.js';

/** The package root (where package.json is), from this module's location in src/ or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'segloss') return dir;
    } catch {
      // not here: go up
    }
    dir = dirname(dir);
  }
  return dir;
}

/**
 * SHA-256 (hex) over a folder's files in sorted relative-path order: for each file, its path, a NUL,
 * its bytes. Two folders with the same files give the same hash wherever they are.
 *
 * @example
 * ```ts
 * folderHash('data'); // 'f3a1...'
 * ```
 */
export function folderHash(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(dir, f).split('\\').join('/'));
    h.update('\0');
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

/**
 * Where a study runs: segloss' version and git commit (when the package is a git checkout), tfjs'
 * version, the backend, the dataset's {@link folderHash}, the command, Node and the core count.
 */
export function studyEnvironment(data: string, command: string, backend: string): StudyEnvironment {
  const root = packageRoot();
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // keep 'unknown'
  }
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    gitCommit = null;
  }
  return {
    seglossVersion: version,
    gitCommit,
    tfjsVersion: tf.version.tfjs,
    backend,
    datasetHash: folderHash(data),
    command,
    node: process.version,
    cpus: availableParallelism(),
  };
}
