import { defineCommand } from 'citty';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { writeStudySummary } from '../experiment/grid.js';
import { planStudy } from '../experiment/study-plan.js';
import { readRunScores, readStudyConfig } from '../experiment/study-summary.js';
import type { StudyEnvironment, StudySummary } from '../experiment/study-types.js';
import { writeStudyReport } from '../experiment/study-report-write.js';
import { backendFlag, intFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'report';
const WHERE = `segloss ${NAME}`;

/** The environment recorded in an existing summary.json (where the experiment ran), or undefined. */
function previousEnvironment(dir: string): StudyEnvironment | undefined {
  try {
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
      environment?: StudyEnvironment;
    };
    const e = s.environment;
    return typeof e?.command === 'string' && typeof e.datasetHash === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rewrites summary.json and summary.md of the study folder from its finished runs: with the
 * environment of the summary already there (the experiment's command, dataset hash and machine), else
 * as `segloss experiment` writes it (which hashes the dataset folder, so that must exist).
 */
function rewriteSummary(from: string, dataDir: string, command: string): StudySummary {
  const previous = previousEnvironment(from);
  if (previous === undefined) {
    if (!existsSync(dataDir)) {
      fail(
        WHERE,
        `the study's data folder ${dataDir} does not exist (summary.json records its hash); run from where the experiment ran`,
      );
    }
    return writeStudySummary(from, command);
  }
  return writeStudySummary(from, command, previous);
}

/**
 * `segloss report`: re-reads a study folder's run folders (whatever has finished, also runs done
 * elsewhere), rewrites summary.json and summary.md, and renders the self-contained report.html.
 */
export const reportCommand = defineCommand({
  meta: {
    name: NAME,
    description:
      'Re-read a study folder (finished runs only) into summary.json and a self-contained report.html',
  },
  args: {
    from: { type: 'string', description: 'study folder written by segloss experiment', required: true },
    out: { type: 'string', description: 'HTML file to write (default: <from>/report.html)' },
    data: { type: 'string', description: "dataset folder for the predictions (default: the study's --data)" },
    images: { type: 'string', description: 'test images predicted by every method (default 4)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node, for the predictions (default auto)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data, rawArgs }) {
    const io = (data as { io: CliIO }).io;
    const from = args.from;
    if (!existsSync(from) || !statSync(from).isDirectory()) {
      fail(WHERE, `--from ${from} is not a folder; expected a study folder written by segloss experiment`);
    }
    if (!existsSync(join(from, 'experiment.json'))) {
      fail(
        WHERE,
        `--from ${from} has no experiment.json; expected a study folder written by segloss experiment`,
      );
    }
    const config = readStudyConfig(from);
    const plan = planStudy({ ...config, out: from });
    const finished = plan.filter((r) => readRunScores(r.dir) !== null).length;
    if (finished === 0) {
      fail(
        WHERE,
        `--from ${from} has no finished runs (none of its ${plan.length} runs has an eval.json yet)`,
      );
    }
    if (args.out !== undefined && !args.out.endsWith('.html')) {
      fail(WHERE, `--out ${args.out} must end in .html`);
    }
    if (args.data !== undefined && !existsSync(args.data)) fail(WHERE, `--data ${args.data} does not exist`);
    const images = args.images === undefined ? undefined : intFlag(NAME, 'images', args.images, 0, 64);
    const backend = backendFlag(NAME, args.backend);
    await setupBackend(backend);
    const summary = rewriteSummary(from, config.data, ['segloss', NAME, ...rawArgs].join(' '));
    const { file, notes } = await writeStudyReport(from, summary, {
      file: args.out,
      data: args.data,
      images,
    });
    if (args.json) {
      io.out(
        JSON.stringify({
          report: file,
          summary: join(from, 'summary.json'),
          finished,
          runs: plan.length,
          notes,
        }),
      );
      return;
    }
    for (const n of notes) io.err(`note: ${n}`);
    io.out(`${finished} of ${plan.length} run(s) finished; wrote ${join(from, 'summary.json')} and ${file}`);
  },
});
