import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { splitNames } from '../data/layout.js';
import { evaluateModel } from '../train/evaluate.js';
import { loadInferenceModel } from '../train/inference-model.js';
import { openSplit } from '../train/source.js';
import type { CliIO } from './io.js';
import { backendFlag, numberFlag } from './args.js';

const NAME = 'eval';
const WHERE = `segloss ${NAME}`;

/** `segloss eval`: metrics of a trained run on a dataset split. */
export const evalCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Evaluate a trained run on a dataset split: IoU, Dice, precision, recall',
  },
  args: {
    model: {
      type: 'string',
      description: 'run folder (segloss train) or exported folder (segloss export)',
      required: true,
    },
    data: { type: 'string', description: 'dataset folder(s), comma-separated for a union', required: true },
    split: { type: 'string', description: "split to evaluate (default 'test'; 'none' = the whole folder)" },
    checkpoint: {
      type: 'string',
      description: 'latest | best: the final checkpoint or the best by validation mean IoU (default latest)',
    },
    overlap: {
      type: 'string',
      description: 'tiled inference: overlap of neighbouring windows in [0, 1) (default 0.25)',
    },
    blend: {
      type: 'string',
      description: 'tiled inference: constant | gaussian window weights (default constant)',
    },
    threshold: {
      type: 'string',
      description:
        'binary and multi-label models: probability in (0, 1) at which a class is predicted (default 0.5)',
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
    const overlap = args.overlap === undefined ? 0.25 : numberFlag(NAME, 'overlap', args.overlap, 0, 0.99);
    const blend = args.blend ?? 'constant';
    if (blend !== 'constant' && blend !== 'gaussian')
      fail(WHERE, `--blend is '${blend}'; expected constant or gaussian`);
    const threshold = args.threshold === undefined ? 0.5 : Number(args.threshold);
    if (!(threshold > 0 && threshold < 1))
      fail(WHERE, `--threshold is '${args.threshold}'; expected a probability in (0, 1), e.g. 0.5`);
    const dirs = args.data.split(',').filter((d) => d !== '');
    const splitName = args.split ?? 'test';
    const useSplit =
      splitName !== 'none' &&
      (args.split !== undefined || dirs.every((d) => splitNames(d).includes(splitName)));
    await setupBackend(backendFlag(NAME, args.backend));
    const m = await loadInferenceModel(args.model, WHERE, kind);
    const { source } = openSplit(dirs, useSplit ? splitName : null, m.inputShape[2] as 1 | 3);
    if (source.classNames.length !== m.classNames.length) {
      fail(WHERE, `data has ${source.classNames.length} classes; the model predicts ${m.classNames.length}`);
    }
    const result = await evaluateModel(m.model, source, {
      output: m.output,
      normalize: m.normalize,
      ...(m.mode ? { mode: m.mode, threshold } : {}),
      overlap,
      blend,
    });
    m.model.dispose();
    if (args.json) {
      io.out(
        JSON.stringify({
          model: args.model,
          step: m.step,
          checkpoint: kind,
          split: useSplit ? splitName : null,
          ...result,
        }),
      );
      return;
    }
    const f = (v: number | null) => (v === null ? '  n/a ' : v.toFixed(4));
    io.out(`${result.images} image(s), model at step ${m.step}`);
    io.out(
      `mean IoU ${f(result.meanIoU)}  mean Dice ${f(result.meanDice)}  pixel accuracy ${f(result.pixelAccuracy)}`,
    );
    const width = Math.max(5, ...result.perClass.map((c) => c.name.length));
    io.out(`${'class'.padEnd(width)}  IoU     Dice    prec    recall  absent-FP (images)`);
    for (const c of result.perClass) {
      const fp = c.absentImages > 0 ? `${f(c.absentFalsePositiveImageRate)} of ${c.absentImages}` : 'n/a';
      io.out(`${c.name.padEnd(width)}  ${f(c.iou)}  ${f(c.dice)}  ${f(c.precision)}  ${f(c.recall)}  ${fp}`);
    }
    io.out(
      m.mode
        ? `per class [tn fp; fn tp] at threshold ${threshold}:`
        : 'confusion matrix (rows = truth, columns = prediction):',
    );
    for (const row of result.confusionMatrix) io.out(`  ${row.map((v) => String(v).padStart(8)).join(' ')}`);
  },
});
