/**
 * The input pipeline against training, measured side by side in one run:
 * 1. decode images/s of one 500x375 JPEG (quality 90): sharp (libvips) one at a time, sharp with 8
 *    decodes in flight (libvips' thread pool), and the pure-JS jpeg-js; and the 500x375 palette PNG
 *    mask through decodeMaskBytes (indices straight from the rows);
 * 2. decode + augment images/s of `BatchStream` (scale 0.5..1.5, flip, 128x128 crop, batch 8) over a
 *    VOC-layout folder of 500x375 JPEGs, against training images/s of the default U-Net (depth 3,
 *    16 filters) at 128x128, batch 8, on wasm; the ratio is the share of a step decoding would cost if it
 *    were not overlapped (BatchStream decodes the next batch during the step);
 * 3. the mask check `train` runs before step 1 (`maskProblems`) on 1,000 masks of 500x375.
 *
 *   node --import tsx bench/data.ts [--images 64] [--reps 40]
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { setupBackend } from '../src/backend/setup.js';
import { BatchStream } from '../src/data/batch-stream.js';
import { openDataset } from '../src/data/dataset.js';
import { decodeImageBytes } from '../src/data/image-io.js';
import { maskProblems } from '../src/data/inspect.js';
import { datasetSource } from '../src/data/item-source.js';
import { decodeMaskBytes } from '../src/data/png-io.js';
import { encodePalettePng } from '../src/data/png-encode.js';
import { vocColor } from '../src/data/classes.js';
import { getLoss } from '../src/losses/registry.js';
import { buildUNet } from '../src/model/unet.js';

const args = process.argv.slice(2);
const opt = (name: string, d: number) =>
  args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : d;
const nImages = opt('images', 64);
const reps = opt('reps', 40);
const W = 500;
const H = 375;

/** A 500x375 test picture: smooth gradients, texture and noise (JPEG cost depends on content). */
function picture(seed: number): { rgb: Uint8Array; mask: Uint8Array } {
  const rgb = new Uint8Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  let s = seed * 2654435761;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) / 16;
  const cx = 150 + ((seed * 37) % 200);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inside = (x - cx) ** 2 + (y - 180) ** 2 < 90 ** 2;
      mask[i] = inside ? 1 + (seed % 20) : x < 8 ? 255 : 0;
      rgb[3 * i] = (x * 255) / W + noise();
      rgb[3 * i + 1] = inside ? 200 + noise() : (y * 255) / H;
      rgb[3 * i + 2] = 127 + 100 * Math.sin(x / 9) * Math.cos(y / 13) + noise();
    }
  }
  return { rgb, mask };
}

const rate = (n: number, ms: number) => (1000 * n) / ms;
const fmt = (v: number) => v.toFixed(1).padStart(8);

const dir = mkdtempSync(join(tmpdir(), 'segloss-bench-data-'));
try {
  const palette = Array.from({ length: 256 }, (_, i) => (i === 255 ? [224, 224, 192] : vocColor(i)));
  for (const d of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'])
    mkdirSync(join(dir, d), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < nImages; i++) {
    const { rgb, mask } = picture(i);
    const name = `img_${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(dir, 'JPEGImages', `${name}.jpg`),
      await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
    writeFileSync(join(dir, 'SegmentationClass', `${name}.png`), encodePalettePng(W, H, mask, palette));
    names.push(name);
  }
  writeFileSync(join(dir, 'ImageSets/Segmentation/train.txt'), names.join('\n'));
  const jpg = readFileSync(join(dir, 'JPEGImages', `${names[0]}.jpg`));
  const png = readFileSync(join(dir, 'SegmentationClass', `${names[0]}.png`));

  // 1. decoders, interleaved rounds
  const times = { sharp: 0, sharpParallel: 0, jpegjs: 0, pngjs: 0 };
  const rounds = 5;
  const per = Math.max(1, Math.floor(reps / rounds));
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < per; i++) await decodeImageBytes(jpg, 3);
    times.sharp += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < per; i += 8)
      await Promise.all(Array.from({ length: 8 }, () => decodeImageBytes(jpg, 3)));
    times.sharpParallel += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < Math.max(1, per / 4); i++) jpeg.decode(jpg, { useTArray: true, formatAsRGBA: false });
    times.jpegjs += (performance.now() - t) * 4;
    t = performance.now();
    for (let i = 0; i < per; i++) decodeMaskBytes(png);
    times.pngjs += performance.now() - t;
  }
  const n = per * rounds;
  console.log(`decode 500x375 (images/s, ${n} each, ${jpg.length}-byte JPEG, ${png.length}-byte mask PNG)`);
  console.log(`  JPEG sharp, one at a time   ${fmt(rate(n, times.sharp))}`);
  console.log(
    `  JPEG sharp, 8 in flight     ${fmt(rate(Math.ceil(per / 8) * 8 * rounds, times.sharpParallel))}`,
  );
  console.log(
    `  JPEG jpeg-js (pure JS)      ${fmt(rate(n, times.jpegjs))}   sharp / jpeg-js ${(times.jpegjs / times.sharp).toFixed(1)}x`,
  );
  console.log(`  PNG mask (decodeMaskBytes) ${fmt(rate(n, times.pngjs))}`);

  // 2. pipeline against training at 128x128, batch 8
  const ds = openDataset(dir, { split: 'train' });
  const stream = new BatchStream(datasetSource(ds), {
    batchSize: 8,
    seed: 1,
    augment: { crop: 128, scale: [0.5, 1.5], flip: true },
    normalize: null,
  });
  await stream.next();
  const batches = Math.max(2, Math.floor(nImages / 8));
  let t = performance.now();
  for (let i = 0; i < batches; i++) await stream.next();
  const pipeMs = (performance.now() - t) / batches;
  await setupBackend('wasm');
  const model = buildUNet({ inputShape: [128, 128, 3], numClasses: 21, seed: 0 });
  const loss = getLoss('crossentropy');
  const x = tf.randomUniform([8, 128, 128, 3]);
  const y = tf.oneHot(tf.randomUniform([8, 128, 128], 0, 21, 'int32'), 21).toFloat();
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => loss.tensor(y, model.apply(x, { training: true }) as tf.Tensor, {}) as tf.Scalar,
      vars,
    );
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const steps = 3;
  t = performance.now();
  for (let i = 0; i < steps; i++) step();
  const stepMs = (performance.now() - t) / steps;
  console.log('pipeline vs training, 128x128 crops, batch 8 (images/s)');
  console.log(`  decode + scale + flip + crop ${fmt(rate(8, pipeMs))}   (${pipeMs.toFixed(1)} ms per batch)`);
  console.log(`  training step (wasm, U-Net)  ${fmt(rate(8, stepMs))}   (${stepMs.toFixed(1)} ms per step)`);
  console.log(
    `  decoding / step               ${(100 * (pipeMs / stepMs)).toFixed(1)}% (overlapped by BatchStream's prefetch)`,
  );
  tf.dispose([x, y]);
  model.dispose();

  // 3. the mask check before step 1, 1,000 masks
  const list = Array.from({ length: 1000 }, (_, i) => names[i % names.length]);
  const many = { ...ds, items: list.map((name) => ({ ...ds.items[names.indexOf(name)] })) };
  t = performance.now();
  const problems = maskProblems(many);
  const checkMs = performance.now() - t;
  console.log(
    `mask check of 1,000 masks of 500x375: ${(checkMs / 1000).toFixed(2)} s (${problems.length} problems)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
