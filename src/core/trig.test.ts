import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../synth/random.js';
import { cos, sin } from './trig.js';

const bits = (v: number) => {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return d.getBigUint64(0).toString(16).padStart(16, '0');
};
const ulp = (v: number) => {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, Math.abs(v));
  d.setBigUint64(0, d.getBigUint64(0) + 1n);
  return d.getFloat64(0) - Math.abs(v);
};

// [x, sin x, cos x] as IEEE-754 bit patterns: the values of fdlibm, which Node 20's V8 returns from
// Math.sin/Math.cos. The 46.93° row is the angle where chromium 156's Math.sin returns 3fe760...3d83
// (one ulp more) and the post's ellipse then loses four edge pixels (seed 7, n 6, size 48).
const GOLDEN: [number, string, string][] = [
  [0.5, '3fdeaee8744b05f0', '3fec1528065b7d50'],
  [1, '3feaed548f090cee', '3fe14a280fb5068c'],
  [2, '3fed18f6ead1b446', 'bfdaa22657537205'],
  [3, '3fc210386db6d55b', 'bfefae04be85e5d2'],
  [10, 'bfe1689ef5f34f52', 'bfead9ac890c6b1f'],
  [100, 'bfe03425b78c4db8', '3feb981dbf665fdf'],
  [1e-9, '3e112e0be826d695', '3ff0000000000000'],
  [0.3, '3fd2e9cd95baba33', '3fee921dd42f09ba'],
  [0.78125, '3fe6888a4e134b2f', '3fe6b898fa9efb5d'],
  [Math.PI / 6, '3fdfffffffffffff', '3febb67ae8584cab'],
  [Math.PI / 3, '3febb67ae8584caa', '3fe0000000000001'],
  [46.93007416790351 * (Math.PI / 180), '3fe7606d33d73d82', '3fe5da3d03d41a07'],
  [100000, '3fa24daa9c527e96', 'bfeffac3841b3da7'],
  [-7.5, 'bfee041886fcae30', '3fd62f45e66f5c2f'],
];

test('sin and cos return fdlibm bits (Node 20 Math.sin/Math.cos) on fixed arguments', () => {
  for (const [x, s, c] of GOLDEN) {
    assert.equal(bits(sin(x)), s, `sin(${x})`);
    assert.equal(bits(cos(x)), c, `cos(${x})`);
  }
});

test('sin and cos are within one ulp of this engine, odd/even, and on the unit circle', () => {
  const rng = new Random(3);
  for (let i = 0; i < 100_000; i++) {
    const x = i % 2 === 0 ? rng.uniform(-10, 10) : rng.uniform(-1e4, 1e4);
    assert.ok(Math.abs(sin(x) - Math.sin(x)) <= ulp(Math.sin(x)), `sin(${x})`);
    assert.ok(Math.abs(cos(x) - Math.cos(x)) <= ulp(Math.cos(x)), `cos(${x})`);
    assert.equal(sin(-x), -sin(x));
    assert.equal(cos(-x), cos(x));
    assert.ok(Math.abs(sin(x) ** 2 + cos(x) ** 2 - 1) < 4e-16);
  }
});

test('special arguments: signed zero, tiny values, multiples of pi/2, NaN, infinity, range limit', () => {
  assert.ok(Object.is(sin(-0), -0));
  assert.equal(cos(0), 1);
  assert.equal(sin(5e-324), 5e-324);
  assert.equal(cos(Math.PI / 2), 6.123233995736766e-17); // cos of the double nearest pi/2
  assert.equal(sin(Math.PI), 1.2246467991473532e-16);
  assert.ok(Number.isNaN(sin(NaN)) && Number.isNaN(cos(Infinity)) && Number.isNaN(sin(-Infinity)));
  assert.equal(bits(sin(1.6e6)), 'bfe153286220550f'); // the medium-range reduction, near its limit
  assert.throws(() => sin(2e6), /segloss: sin\/cos: \|x\| is 2000000; expected at most 2\^20·pi\/2/);
});
