// The README's multi-label and binary scores are the committed `eval --json` outputs of its commands
// (results/multilabel/), rounded to 4 digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
interface EvalJson {
  meanIoU: number;
  perClass: { name: string; iou: number }[];
}
const read = (f: string) =>
  JSON.parse(readFileSync(join(root, 'results', 'multilabel', f), 'utf8')) as EvalJson;

test('README: the multi-label and binary test scores equal results/multilabel/', () => {
  const ml = read('ml-eval.json');
  const lesion = read('lesion-eval.json');
  const perClass = ml.perClass.map((c) => `${c.name} ${c.iou.toFixed(4)}`).join(', ');
  const sentence =
    `the multi-label run gave test mean IoU ${ml.meanIoU.toFixed(4)} (${perClass}) ` +
    `and the binary run ${lesion.meanIoU.toFixed(4)} `;
  assert.ok(readme.includes(sentence), `README lacks: ${sentence}`);
});
