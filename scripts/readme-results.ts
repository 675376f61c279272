// Rewrites the README's result tables from the committed study summaries (results/<name>/summary.json):
//   node --import tsx scripts/readme-results.ts
// test/readme-results.test.ts checks that the README holds exactly these tables.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockNames, replaceBlock, resultBlock } from '../src/experiment/readme-blocks.js';

const root = join(import.meta.dirname, '..');
const path = join(root, 'README.md');
let text = readFileSync(path, 'utf8');
for (const name of blockNames(text)) text = replaceBlock(text, name, resultBlock(root, name));
writeFileSync(path, text);
console.log(`README.md: ${blockNames(text).length} result block(s) rewritten`);
