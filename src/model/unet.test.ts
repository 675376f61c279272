// Unit tests of buildUNet on tfjs' cpu backend: architecture (layer list, hand-counted parameters),
// seeded reproducibility, output semantics and option validation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildUNet, type UNetOptions } from './unet.js';
import { SeglossError } from '../core/errors.js';

before(async () => {
  await tf.setBackend('cpu');
});

const tiny: UNetOptions = {
  inputShape: [8, 8, 1],
  numClasses: 3,
  depth: 2,
  baseFilters: 4,
  batchNorm: false,
  seed: 3,
};

test('parameter counts match the hand count for each variant', () => {
  // No BN, depth 2, F = 4, 8: enc0 (1*9*4+4) + (4*9*4+4) = 40 + 148; bottleneck (4*9*8+8) + (8*9*8+8) =
  // 296 + 584; dec0 after concat 8+4=12 channels: (12*9*4+4) + 148 = 436 + 148; head 4*3+3 = 15.
  const plain = buildUNet(tiny);
  assert.equal(plain.countParams(), 40 + 148 + 296 + 584 + 436 + 148 + 15);
  // BN: the six 3x3 convs lose their 32 biases; each BN has 4 values per channel (2 trainable).
  const bn = buildUNet({ ...tiny, batchNorm: true });
  assert.equal(bn.countParams(), 1667 - 32 + 4 * 32);
  const trainable = bn.trainableWeights.reduce(
    (a, w) => a + w.shape.reduce((p, q) => (p as number) * (q as number), 1)!,
    0,
  );
  assert.equal(trainable, 1667 - 32 + 2 * 32);
  // Transposed up-conv 8->4 (2*2*8*4+4 = 132), then the concat has 4+4 = 8 channels: 8*9*4+4 = 292.
  const tr = buildUNet({ ...tiny, decoder: 'transpose' });
  assert.equal(tr.countParams(), 40 + 148 + 296 + 584 + 132 + 292 + 148 + 15);
  tf.dispose([plain, bn, tr].flatMap((m) => m.weights.map((w) => w.read())));
});

test('default U-Net has levels 16-32-64, two pools and keeps the spatial size', () => {
  const m = buildUNet({ inputShape: [64, 64, 1], numClasses: 4, seed: 1 });
  assert.deepEqual(m.outputs[0].shape, [null, 64, 64, 4]);
  const convFilters = m.layers
    .filter((l) => l.getClassName() === 'Conv2D' && l.name !== 'head')
    .map((l) => (l.getConfig() as { filters: number }).filters);
  assert.deepEqual(convFilters, [16, 16, 32, 32, 64, 64, 32, 32, 16, 16]);
  assert.equal(m.layers.filter((l) => l.getClassName() === 'MaxPooling2D').length, 2);
  assert.equal(m.layers.filter((l) => l.getClassName() === 'UpSampling2D').length, 2);
  assert.equal(m.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 10);
  const concat = m.getLayer('dec0_concat').output as tf.SymbolicTensor;
  assert.deepEqual(concat.shape, [null, 64, 64, 32 + 16]);
});

test('the same seed gives identical weights and outputs; another seed does not', () => {
  const a = buildUNet(tiny);
  const b = buildUNet(tiny);
  const c = buildUNet({ ...tiny, seed: 4 });
  const wa = a.getWeights().map((w) => w.dataSync());
  const wb = b.getWeights().map((w) => w.dataSync());
  const wc = c.getWeights().map((w) => w.dataSync());
  wa.forEach((w, i) => assert.deepEqual(w, wb[i]));
  assert.notDeepEqual(wa[0], wc[0]);
  // Different layers of the same shape get different kernels (seed + k per layer).
  assert.notDeepEqual(wa[2], wa[10]); // enc0_conv2 and dec0_conv2 kernels, both 3x3x4x4
  const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7);
  assert.deepEqual((a.predict(x) as tf.Tensor).dataSync(), (b.predict(x) as tf.Tensor).dataSync());
});

test("softmax output sums to 1 per pixel and equals softmax of the 'logits' model", () => {
  const x = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 11);
  const probs = buildUNet(tiny).predict(x) as tf.Tensor;
  const logits = buildUNet({ ...tiny, output: 'logits' }).predict(x) as tf.Tensor;
  const sums = probs.sum(-1).dataSync();
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, `pixel sum ${s}`);
  const diff = tf.softmax(logits).sub(probs).abs().max().dataSync()[0];
  assert.ok(diff < 1e-6, `max |softmax(logits) - probs| = ${diff}`);
  assert.ok(logits.min().dataSync()[0] < 0, 'logits are linear (some negative)');
});

test("'sigmoid' output is sigmoid of the 'logits' model per channel, with one channel too", () => {
  const x = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 12);
  for (const numClasses of [1, 3]) {
    const probs = buildUNet({ ...tiny, numClasses, output: 'sigmoid' }).predict(x) as tf.Tensor;
    const logits = buildUNet({ ...tiny, numClasses, output: 'logits' }).predict(x) as tf.Tensor;
    assert.deepEqual(probs.shape, [2, 8, 8, numClasses]);
    const diff = tf.sigmoid(logits).sub(probs).abs().max().dataSync()[0];
    assert.ok(diff < 1e-6, `max |sigmoid(logits) - probs| = ${diff}`);
    tf.dispose([probs, logits]);
  }
  assert.throws(
    () => buildUNet({ ...tiny, output: 'tanh' as never }),
    /expected 'softmax', 'sigmoid' or 'logits'/,
  );
});

test('dropout is active in training and off in inference, and seeded', () => {
  const m = buildUNet({ ...tiny, dropout: 0.5 });
  assert.ok(m.getLayer('bottleneck_dropout'));
  const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5);
  const p1 = (m.predict(x) as tf.Tensor).dataSync();
  const p2 = (m.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(p1, p2);
  const t = (m.apply(x, { training: true }) as tf.Tensor).dataSync();
  assert.notDeepEqual(t, p1);
});

test('bad options throw SeglossError naming buildUNet, the argument and what was expected', () => {
  const cases: [Partial<UNetOptions> & Record<string, unknown>, RegExp][] = [
    [
      { inputShape: [10, 8, 1] as [number, number, number], depth: 3 },
      /inputShape is \[10,8,1\].*divisible by 4/,
    ],
    [{ inputShape: [8, 8] as unknown as [number, number, number] }, /inputShape .*expected \[H, W, Cin\]/],
    [{ inputShape: [8, 8, 0] }, /inputShape\[2\] is 0; expected an integer >= 1/],
    [{ numClasses: 1 }, /numClasses is 1 with output 'softmax'; expected at least 2/],
    [{ numClasses: 2.5 }, /numClasses is 2.5; expected an integer >= 1/],
    [{ depth: 0 }, /depth is 0; expected an integer >= 1/],
    [{ baseFilters: -1 }, /baseFilters is -1/],
    [{ dropout: 1 }, /dropout is 1; expected a number in \[0, 1\)/],
    [{ dropout: NaN }, /dropout is NaN/],
    [{ decoder: 'bilinear' as 'upsample' }, /decoder is 'bilinear'; expected 'upsample' or 'transpose'/],
    [{ output: 'relu' as 'softmax' }, /output is 'relu'; expected 'softmax', 'sigmoid' or 'logits'/],
    [{ batchNorm: 'yes' as unknown as boolean }, /batchNorm is yes; expected true or false/],
    [{ seed: Infinity }, /seed is Infinity/],
    [{ filters: 8 }, /unknown option 'filters'/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(
      () => buildUNet({ ...tiny, ...patch } as UNetOptions),
      (e: unknown) =>
        e instanceof SeglossError && /^segloss: buildUNet: /.test(e.message) && re.test(e.message),
      `options ${JSON.stringify(patch)}`,
    );
  }
  // numClasses 1 is fine for logits; depth 1 is a plain conv block (no pooling).
  assert.equal(buildUNet({ ...tiny, numClasses: 1, output: 'logits' }).outputs[0].shape[3], 1);
  assert.equal(buildUNet({ ...tiny, inputShape: [5, 7, 2], depth: 1 }).outputs[0].shape[1], 5);
});
