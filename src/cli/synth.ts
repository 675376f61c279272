import { defineCommand } from 'citty';
import { multilabelSplit } from '../synth/multilabel-splits.js';
import { writeDataset } from '../data/write-dataset.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import { synthSplits } from '../synth/splits.js';
import { intFlag, numberFlag } from './args.js';
import { fail } from '../core/errors.js';
import { writeVocDataset, type VocItem } from '../data/write-voc.js';
import { Random } from '../synth/random.js';
import type { CliIO } from './io.js';

const NAME = 'synth';

/**
 * The splits' scenes as VOC items of several sizes: scene `i` is cropped to `h x w`, each uniform in
 * `[0.6 size, size]` (seeded), at a random offset.
 */
function vocItems(
  splits: ReturnType<typeof synthSplits>,
  size: number,
  seed: number,
): Record<string, VocItem[]> {
  const rng = new Random(seed + 7);
  const out: Record<string, VocItem[]> = {};
  for (const [split, s] of Object.entries(splits)) {
    if (s === undefined) continue;
    const [n, , , ch] = s.images.shape;
    out[split] = Array.from({ length: n }, (_, i) => {
      const h = Math.round(size * (0.6 + 0.4 * rng.uniform()));
      const w = Math.round(size * (0.6 + 0.4 * rng.uniform()));
      const y0 = Math.floor(rng.uniform() * (size - h + 1));
      const x0 = Math.floor(rng.uniform() * (size - w + 1));
      const image = new Float32Array(h * w * ch);
      const mask = new Uint8Array(h * w);
      for (let y = 0; y < h; y++) {
        const src = (i * size + y0 + y) * size + x0;
        mask.set(s.labels.data.subarray(src, src + w), y * w);
        image.set(s.images.data.subarray(src * ch, (src + w) * ch), y * w * ch);
      }
      return { height: h, width: w, channels: ch as 1 | 3, image, mask };
    });
  }
  return out;
}

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
    multilabel: {
      type: 'boolean',
      description:
        'overlapping objects, bitmask masks (mode multilabel; --classes N object classes, 1 = binary); --missing-rate drops a present class per image',
    },
    layout: {
      type: 'string',
      description:
        'segloss (PNG, one size) | voc (Pascal VOC 2012: JPEGs cropped to sizes between 0.6 and 1 x --size, palette masks)',
    },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
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
      numClasses: args.multilabel
        ? int('classes', args.classes, 1, 3, SCENE_CLASSES.length - 1)
        : int('classes', args.classes, 2, 4, SCENE_CLASSES.length),
      missingRate: num('missing-rate', args['missing-rate'], 0.3),
      absentRate: num('absent-rate', args['absent-rate'], 0.2),
      seed: int('seed', args.seed, 0, 0, 2 ** 31 - 1),
      maxObjects: int('max-objects', args['max-objects'], 1, 1, 8),
    };
    const layout = args.layout ?? 'segloss';
    if (layout !== 'segloss' && layout !== 'voc')
      fail(`segloss ${NAME}`, `--layout is '${layout}'; expected segloss or voc`);
    if (args.multilabel && layout !== 'segloss')
      fail(`segloss ${NAME}`, `--multilabel writes the segloss layout; --layout is '${layout}'`);
    const classes = SCENE_CLASSES.slice(
      args.multilabel ? 1 : 0,
      o.numClasses + (args.multilabel ? 1 : 0),
    ).map((name) => ({ name }));
    let dropped = 0;
    if (args.multilabel) {
      const mode = o.numClasses === 1 ? 'binary' : 'multilabel';
      const sizes = { train: o.n, val: o.valN, test: o.testN };
      Object.entries(sizes).forEach(([split, n], k) => {
        if (n === 0) return;
        const base = { n, size: o.size, numClasses: o.numClasses, absentRate: o.absentRate };
        const rate = split === 'train' && mode === 'multilabel' ? o.missingRate : 0;
        const s = multilabelSplit({ ...base, seed: o.seed * 3 + k }, rate, o.seed + 101 * (k + 1));
        writeDataset(args.out, { ...s, classes, split, mode });
        if (split === 'train') dropped = s.annotated.data.filter((v) => v === 0).length;
      });
    } else if (layout === 'voc') {
      // VOC masks carry no per-image annotated set: the scenes are written fully labelled.
      const full = synthSplits({ ...o, missingRate: 0 });
      await writeVocDataset(
        args.out,
        classes.map((c) => c.name),
        vocItems(full, o.size, o.seed),
      );
    } else {
      const splits = synthSplits(o);
      for (const [split, s] of Object.entries(splits)) {
        if (s === undefined) continue;
        writeDataset(args.out, {
          images: s.images,
          labels: s.labels,
          annotated: s.annotated,
          classes,
          split,
        });
        if (split === 'train') dropped = s.annotated.data.filter((v) => v === 0).length;
      }
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
