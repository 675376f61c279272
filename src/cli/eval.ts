import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { evaluateModel } from '../train/evaluate.js';
import { loadRun } from '../train/model-io.js';
import { openSplit } from '../train/source.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from './io.js';
import { backendFlag } from './args.js';

const NAME = 'eval';
const WHERE = `segloss ${NAME}`;

/** `segloss eval`: metrics of a trained run on a dataset split. */
export const evalCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Evaluate a trained run on a dataset split: IoU, Dice, precision, recall',
  },
  args: {
    model: { type: 'string', description: 'run folder written by segloss train', required: true },
    data: { type: 'string', description: 'dataset folder', required: true },
    split: { type: 'string', description: "split to evaluate (default 'test'; 'none' = the whole folder)" },
    checkpoint: {
      type: 'string',
      description: 'latest | best: the final checkpoint or the best by validation mean IoU (default latest)',
    },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const kind = args.checkpoint ?? 'latest';
    if (kind !== 'latest' && kind !== 'best') {
      fail(WHERE, `--checkpoint is '${kind}'; expected latest or best`);
    }
    await setupBackend(backendFlag(NAME, args.backend));
    const run = loadRun(args.model, WHERE, kind);
    const splitName = args.split ?? 'test';
    const useSplit =
      splitName !== 'none' &&
      (args.split !== undefined ||
        existsSync(join(args.data, splitName, 'images')) ||
        existsSync(join(args.data, `${splitName}.txt`)));
    const source = openSplit(args.data, useSplit ? splitName : null);
    const [h, w, ch] = run.config.model.inputShape;
    if (source.height !== h || source.width !== w || source.channels !== ch) {
      fail(
        WHERE,
        `data is ${source.height}x${source.width}x${source.channels}; the model expects ${h}x${w}x${ch}`,
      );
    }
    if (source.classNames.length !== run.config.model.numClasses) {
      fail(
        WHERE,
        `data has ${source.classNames.length} classes; the model predicts ${run.config.model.numClasses}`,
      );
    }
    const result = evaluateModel(run.model, source);
    run.model.dispose();
    if (args.json) {
      io.out(
        JSON.stringify({
          model: args.model,
          step: run.checkpoint.meta.step,
          checkpoint: kind,
          split: useSplit ? splitName : null,
          ...result,
        }),
      );
      return;
    }
    const f = (v: number | null) => (v === null ? '  n/a ' : v.toFixed(4));
    io.out(`${result.images} image(s), model at step ${run.checkpoint.meta.step}`);
    io.out(
      `mean IoU ${f(result.meanIoU)}  mean Dice ${f(result.meanDice)}  pixel accuracy ${f(result.pixelAccuracy)}`,
    );
    const width = Math.max(5, ...result.perClass.map((c) => c.name.length));
    io.out(`${'class'.padEnd(width)}  IoU     Dice    prec    recall  absent-FP (images)`);
    for (const c of result.perClass) {
      const fp = c.absentImages > 0 ? `${f(c.absentFalsePositiveImageRate)} of ${c.absentImages}` : 'n/a';
      io.out(`${c.name.padEnd(width)}  ${f(c.iou)}  ${f(c.dice)}  ${f(c.precision)}  ${f(c.recall)}  ${fp}`);
    }
    io.out('confusion matrix (rows = truth, columns = prediction):');
    for (const row of result.confusionMatrix) io.out(`  ${row.map((v) => String(v).padStart(8)).join(' ')}`);
  },
});
