import { defineCommand } from 'citty';
import { writeDataset } from '../data/png-dataset.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import { synthSplits } from '../train/source.js';
import { intFlag, numberFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'synth';

/** `segloss synth`: writes a synthetic PNG dataset with train/val/test splits. */
export const synthCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Write a synthetic segmentation dataset (PNG images, masks, annotated.json)',
  },
  args: {
    out: { type: 'string', description: 'dataset folder', required: true },
    n: { type: 'string', description: 'training images (default 256)' },
    'val-n': { type: 'string', description: 'validation images, fully annotated (default 32)' },
    'test-n': { type: 'string', description: 'test images, fully annotated (default 64)' },
    size: { type: 'string', description: 'image height and width, >= 16 (default 64)' },
    classes: {
      type: 'string',
      description: `classes incl. background, 2..${SCENE_CLASSES.length} (default 4)`,
    },
    'missing-rate': {
      type: 'string',
      description: 'probability a training object is unlabelled (default 0.3)',
    },
    'absent-rate': {
      type: 'string',
      description: 'probability a class is absent from an image (default 0.2)',
    },
    'max-objects': {
      type: 'string',
      description: 'objects per present class, uniform in 1..N (default 1)',
    },
    seed: { type: 'string', description: 'seed (default 0)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const int = (k: string, v: string | undefined, min: number, dflt: number, max?: number) =>
      v === undefined ? dflt : intFlag(NAME, k, v, min, max);
    const num = (k: string, v: string | undefined, dflt: number) =>
      v === undefined ? dflt : numberFlag(NAME, k, v, 0, 1);
    const o = {
      n: int('n', args.n, 1, 256, 1e6),
      valN: int('val-n', args['val-n'], 0, 32, 1e6),
      testN: int('test-n', args['test-n'], 0, 64, 1e6),
      size: int('size', args.size, 16, 64, 4096),
      numClasses: int('classes', args.classes, 2, 4, SCENE_CLASSES.length),
      missingRate: num('missing-rate', args['missing-rate'], 0.3),
      absentRate: num('absent-rate', args['absent-rate'], 0.2),
      seed: int('seed', args.seed, 0, 0, 2 ** 31 - 1),
      maxObjects: int('max-objects', args['max-objects'], 1, 1, 8),
    };
    const splits = synthSplits(o);
    const classes = SCENE_CLASSES.slice(0, o.numClasses).map((name) => ({ name }));
    let dropped = 0;
    for (const [split, s] of Object.entries(splits)) {
      if (s === undefined) continue;
      writeDataset(args.out, { images: s.images, labels: s.labels, annotated: s.annotated, classes, split });
      if (split === 'train') dropped = s.annotated.data.filter((v) => v === 0).length;
    }
    const summary = { out: args.out, ...o, droppedAnnotations: dropped, classes: classes.map((c) => c.name) };
    if (args.json) {
      io.out(JSON.stringify(summary));
      return;
    }
    io.out(
      `wrote ${args.out}: train ${o.n}, val ${o.valN}, test ${o.testN} images of ${o.size}x${o.size}, ` +
        `${o.numClasses} classes (${summary.classes.join(', ')})`,
    );
    io.out(`train annotations dropped: ${dropped} (missing rate ${o.missingRate})`);
  },
});
