import type { ArgsDef } from 'citty';
import { fail } from '../core/errors.js';
import { BACKEND_NAMES, type BackendName } from '../backend/setup.js';

/**
 * Rejects flags a command does not declare (citty itself accepts anything), naming the valid ones.
 * Accepts `--name`, `--name=value`, `--no-name` and the camelCase spelling of each declared flag.
 */
export function checkKnownFlags(command: string, rawArgs: readonly string[], args: ArgsDef): void {
  const known = new Set<string>(['help', 'h']);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    known.add(name.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase()));
    for (const alias of [
      def.type === 'positional' ? [] : ((def as { alias?: string | string[] }).alias ?? []),
    ].flat()) {
      known.add(alias);
    }
  }
  for (const raw of rawArgs) {
    if (raw === '--') break;
    if (!raw.startsWith('-') || /^-\d/.test(raw)) continue;
    const name = raw
      .replace(/^-{1,2}/, '')
      .split('=')[0]
      .replace(/^no-/, '');
    if (!known.has(name)) {
      const flags = Object.keys(args)
        .filter((k) => args[k].type !== 'positional')
        .map((k) => `--${k}`);
      fail(`segloss ${command}`, `unknown option '${raw}'; valid options are ${flags.join(', ')}`);
    }
  }
}

/** Parses an integer flag within `[min, max]`, naming the command and flag on error. */
export function intFlag(
  command: string,
  flag: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(v) || v < min || v > max) {
    fail(`segloss ${command}`, `--${flag} is '${value}'; expected an integer in [${min}, ${max}]`);
  }
  return v;
}

/** Parses a number flag within `[min, max]`, naming the command and flag on error. */
export function numberFlag(
  command: string,
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number {
  const v = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(v) || v < min || v > max) {
    fail(`segloss ${command}`, `--${flag} is '${value}'; expected a number in [${min}, ${max}]`);
  }
  return v;
}

/** Parses a JSON object flag (e.g. `--options '{"smoothNr":1e-5}'`). */
export function jsonObjectFlag(
  command: string,
  flag: string,
  value: string | undefined,
): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    fail(
      `segloss ${command}`,
      `--${flag} is not valid JSON (${(e as Error).message}); expected an object like '{"epsilon":1e-7}'`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail(`segloss ${command}`, `--${flag} must be a JSON object, got ${value}`);
  }
  return parsed as Record<string, unknown>;
}

/** Checks a `--backend` value. */
export function backendFlag(command: string, value: string | undefined): BackendName {
  const v = value ?? 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(v)) {
    fail(`segloss ${command}`, `--backend is '${v}'; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  return v as BackendName;
}
