import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { inspectDataset } from '../data/inspect.js';
import type { CliIO } from './io.js';

const NAME = 'inspect';
const WHERE = `segloss ${NAME}`;

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** `segloss inspect`: checks every file of a dataset and prints its statistics. */
export const inspectCommand = defineCommand({
  meta: {
    name: NAME,
    description:
      'Check a dataset (every mask decoded once) and print sizes, class frequencies, coverage, mean/std',
  },
  args: {
    data: { type: 'string', description: 'dataset folder(s), comma-separated for a union', required: true },
    split: { type: 'string', description: 'only this split (default: every split the folders share)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const dirs = args.data.split(',').filter((d) => d !== '');
    const r = await inspectDataset(dirs, args.split);
    if (args.json) io.out(JSON.stringify(r));
    else {
      io.out(`${dirs.join(' + ')}: layout ${r.layouts.join(', ')}, ${r.channels === 3 ? 'RGB' : 'grey'}`);
      io.out(`classes (${r.classes.length}):`);
      r.classes.forEach((c, k) =>
        io.out(
          `  ${String(k).padStart(3)} ${c.name}${c.color ? ` [${c.color.join(',')}]` : ''}  annotated in ${c.annotatedIn.join(', ')}`,
        ),
      );
      for (const s of r.splits) {
        io.out(
          `split ${s.split ?? '(all)'}: ${s.images} image(s), ${s.width[0]}..${s.width[1]} x ${s.height[0]}..${s.height[1]} px, ignore ${pct(s.ignoreFraction)}`,
        );
        const width = Math.max(5, ...r.classes.map((c) => c.name.length));
        io.out(`  ${'class'.padEnd(width)}  pixels      freq     annotated in`);
        r.classes.forEach((c, k) =>
          io.out(
            `  ${c.name.padEnd(width)}  ${String(s.classPixels[k]).padStart(10)}  ${pct(s.classFrequency[k]).padStart(7)}  ${s.annotatedImages[k]} of ${s.images} images`,
          ),
        );
      }
      const f = (xs: readonly number[]) => xs.map((x) => x.toFixed(4)).join(',');
      io.out(`channel mean ${f(r.mean)}  std ${f(r.std)}  (train --normalize ${f(r.mean)}:${f(r.std)})`);
    }
    if (r.problems.length > 0) {
      for (const p of r.problems) io.err(`bad file: ${p.file}: ${p.problem}`);
      fail(WHERE, `${r.problems.length} bad file(s) in ${dirs.join(',')}`);
    }
  },
});
