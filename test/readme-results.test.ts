// The README's result tables equal what the committed summaries (results/*/summary.json) generate, and
// every committed summary's numbers agree with its own runs (means and paired differences recomputed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockNames, readBlock, resultBlock } from '../src/experiment/readme-blocks.js';
import { aggregateStudy } from '../src/experiment/study-summary.js';
import type { StudySummary } from '../src/experiment/study-types.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('README: every results block equals the tables of its committed summary.json', () => {
  const names = blockNames(readme);
  assert.ok(names.length >= 1, 'the README shows no committed results');
  for (const name of names) {
    assert.ok(
      existsSync(join(root, 'results', name, 'summary.json')),
      `results/${name}/summary.json is missing`,
    );
    assert.equal(readBlock(readme, name), resultBlock(root, name).trim(), `README block ${name} drifted`);
  }
});

test('committed summaries: groups and comparisons are the aggregates of their runs', () => {
  for (const name of blockNames(readme)) {
    const s = JSON.parse(readFileSync(join(root, 'results', name, 'summary.json'), 'utf8')) as StudySummary;
    const seeds = (s.config as { seeds: number[] }).seeds;
    const again = aggregateStudy(
      s.runs,
      seeds,
      (s.config as { reference?: string }).reference ?? 'crossentropy',
    );
    assert.deepEqual(again.groups, s.groups, `${name}: groups`);
    assert.deepEqual(again.comparisons, s.comparisons, `${name}: comparisons`);
  }
});
