import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { classPalette } from '../report/colors.js';
import { exportLayersModel } from '../train/export.js';
import { loadRun } from '../train/model-io.js';
import { backendFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'export';
const WHERE = `segloss ${NAME}`;

/** `segloss export`: a run's model as a tfjs LayersModel folder for browsers and `tf.loadLayersModel`. */
export const exportCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Export a trained run as a tfjs LayersModel (model.json + weights) with its metadata',
  },
  args: {
    model: { type: 'string', description: 'run folder written by segloss train', required: true },
    out: {
      type: 'string',
      description: 'folder to write model.json and the weight shard into',
      required: true,
    },
    checkpoint: { type: 'string', description: 'latest | best (default latest)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const kind = args.checkpoint ?? 'latest';
    if (kind !== 'latest' && kind !== 'best')
      fail(WHERE, `--checkpoint is '${kind}'; expected latest or best`);
    await setupBackend(backendFlag(NAME, args.backend));
    const run = loadRun(args.model, WHERE, kind);
    const c = run.config;
    const metadata = {
      format: 'segloss-export' as const,
      version: 1 as const,
      classNames: c.classNames,
      // binary and multi-label classes have no background: they take the palette's colours after it
      colors: c.model.mode
        ? classPalette(c.classNames.length + 1).slice(1)
        : classPalette(c.classNames.length),
      inputShape: c.model.inputShape,
      output: c.model.output,
      ...(c.model.mode ? { mode: c.model.mode } : {}),
      normalize: c.normalize ?? null,
      step: run.checkpoint.meta.step,
    };
    await exportLayersModel(run.model, args.out, metadata);
    run.model.dispose();
    if (args.json) {
      io.out(JSON.stringify({ out: args.out, ...metadata }));
      return;
    }
    io.out(
      `wrote ${args.out}/model.json and its weights (step ${metadata.step}, input ${c.model.inputShape.join('x')})`,
    );
  },
});
