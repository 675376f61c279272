/**
 * The README's result tables are generated from committed study summaries (`results/<name>/summary.json`)
 * between markers `<!-- results:<name> -->` and `<!-- /results:<name> -->`, so that the text cannot drift
 * from the data: `scripts/readme-results.ts` rewrites them, and a test compares them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { studyMarkdown } from './study-markdown.js';
import type { StudySummary } from './study-types.js';

/** The marker pair of block `name`. */
export function blockMarkers(name: string): [string, string] {
  return [`<!-- results:${name} -->`, `<!-- /results:${name} -->`];
}

/** Names of the result blocks in `text`, in order. */
export function blockNames(text: string): string[] {
  return [...text.matchAll(/<!-- results:([\w.-]+) -->/g)].map((m) => m[1]);
}

/** The tables of `results/<name>/summary.json` under `root`, as the README block holds them. */
export function resultBlock(root: string, name: string): string {
  const path = join(root, 'results', name, 'summary.json');
  let summary: StudySummary;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as StudySummary;
  } catch (e) {
    fail('resultBlock', `${path}: ${(e as Error).message}; expected a committed study summary`);
  }
  return studyMarkdown(summary);
}

/** `text` with block `name`'s content replaced by `content` (the markers stay). */
export function replaceBlock(text: string, name: string, content: string): string {
  const [open, close] = blockMarkers(name);
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) fail('replaceBlock', `no ${open} ... ${close} block in the text`);
  return text.slice(0, a + open.length) + '\n\n' + content.trimEnd() + '\n\n' + text.slice(b);
}

/** The content between block `name`'s markers, trimmed. */
export function readBlock(text: string, name: string): string {
  const [open, close] = blockMarkers(name);
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) fail('readBlock', `no ${open} ... ${close} block in the text`);
  return text.slice(a + open.length, b).trim();
}
