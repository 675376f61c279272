/**
 * The study report's HTML on a hand-made summary: every number appears as the summary holds it
 * (exact value in data-value, 3 decimals shown), strings are escaped, nothing loads from elsewhere,
 * the tags nest, and the pieces the issue asks for are there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { renderStudyReport } from './study-report.js';
import { escapeHtml, formatNumber } from './study-report-html.js';
import { niceTicks } from './study-report-svg.js';
import { reportRates, spreadIndices } from './study-report-assets.js';
import { agg2, handAssets, handSummary, ORACLE, VALUES } from '../../test/helpers/study-fixture.js';

const summary = handSummary();
const html = renderStudyReport(summary, handAssets());

/** The text and data-value of the one span with these data attributes. */
function span(attrs: Record<string, string>): { text: string; value: string } {
  const sel = Object.entries(attrs)
    .map(([k, v]) => `data-${k}="${escapeHtml(v)}"`)
    .join(' ');
  const re = new RegExp(`<span ${sel} data-value="([^"]*)">([^<]*)</span>`, 'g');
  const hits = [...html.matchAll(re)];
  assert.equal(hits.length, 1, `expected one span with ${sel}, found ${hits.length}`);
  return { value: hits[0][1], text: hits[0][2] };
}

test('report: every group aggregate appears exactly as in the summary, 3 decimals shown', () => {
  for (const g of summary.groups) {
    const key = { method: g.method, mode: g.dropMode, rate: String(g.dropRate) };
    const a = g.meanIoU;
    const mean = span({ ...key, metric: 'meanIoU-mean' });
    assert.equal(mean.value, String(a.mean));
    assert.equal(mean.text, (a.mean as number).toFixed(3));
    assert.equal(span({ ...key, metric: 'meanIoU-sd' }).value, String(a.sd));
    assert.equal(span({ ...key, metric: 'meanIoU-ci-lo' }).value, String(a.ci95?.[0]));
    assert.equal(span({ ...key, metric: 'meanIoU-ci-hi' }).value, String(a.ci95?.[1]));
    assert.equal(span({ ...key, metric: 'meanIoU-n' }).text, '2');
    if (g.gapToOracle !== null)
      assert.equal(span({ ...key, metric: 'gapToOracle-mean' }).value, String(g.gapToOracle.mean));
  }
  // by hand: crossentropy at 0.3: (0.91234 + 0.9031) / 2 = 0.90772 -> '0.908';
  // sd |0.91234 - 0.9031| / sqrt 2 = 0.006534 -> '0.007'; 95% half-width 12.706 * 0.006534 / sqrt 2 = 0.0587
  const ce = { method: 'crossentropy', mode: 'object', rate: '0.3' };
  assert.equal(span({ ...ce, metric: 'meanIoU-mean' }).text, '0.908');
  assert.equal(span({ ...ce, metric: 'meanIoU-sd' }).text, '0.007');
  assert.equal(span({ ...ce, metric: 'meanIoU-ci-lo' }).text, '0.849');
  assert.equal(span({ ...ce, metric: 'meanIoU-ci-hi' }).text, '0.966');
  // gap to oracle: ((0.955 - 0.91234) + (0.9611 - 0.9031)) / 2 = 0.05033
  assert.equal(span({ ...ce, metric: 'gapToOracle-mean' }).text, '0.050');
  assert.equal(span({ method: 'oracle', mode: 'none', rate: '0', metric: 'meanIoU-mean' }).text, '0.958');
  assert.deepEqual(VALUES.crossentropy['0.3'], [0.91234, 0.9031]);
  assert.deepEqual(ORACLE, [0.955, 0.9611]);
  assert.equal(agg2(1, 0).n, 2);
});

test('report: paired differences with interval, t, p, Holm p and wins/losses', () => {
  for (const c of summary.comparisons) {
    const key = { method: c.method, mode: c.dropMode, rate: String(c.dropRate) };
    assert.equal(span({ ...key, metric: 'diff-mean' }).value, String(c.meanDifference));
    assert.equal(span({ ...key, metric: 'diff-ci-lo' }).value, String(c.ci95?.[0]));
    assert.equal(span({ ...key, metric: 'diff-ci-hi' }).value, String(c.ci95?.[1]));
    assert.equal(span({ ...key, metric: 't' }).value, String(c.t));
    assert.equal(span({ ...key, metric: 'p' }).text, (c.p as number).toFixed(4));
    assert.equal(span({ ...key, metric: 'pHolm' }).text, (c.pHolm as number).toFixed(4));
    assert.equal(span({ ...key, metric: 'wins' }).text, '2');
    assert.equal(span({ ...key, metric: 'losses' }).text, '0');
  }
  // 0.6: differences 0.17 and 0.2087, mean 0.18935; sd 0.0387 / sqrt 2 = 0.027365; half-width
  // 12.706 * 0.027365 / sqrt 2 = 0.24586, so the interval starts at -0.05651, shown with a minus sign
  const at = { method: 'marginal-crossentropy', mode: 'object', rate: '0.6' };
  assert.equal(span({ ...at, metric: 'diff-mean' }).text, '0.189');
  assert.equal(span({ ...at, metric: 'diff-ci-lo' }).text, '\u22120.057');
  assert.equal(span({ ...at, metric: 'diff-ci-hi' }).text, '0.435');
  assert.match(
    html,
    /with five seeds that is 0\.0625, above 0\.05, so a study needs six or more seeds \(six give 0\.03125\)/,
  );
  assert.match(html, /<span id="seed-count">2<\/span> seed\(s\), <span class="warn">too few/);
});

test('report: absent-class false positives per setting and per class', () => {
  const fp = span({ method: 'marginal-crossentropy', mode: 'object', rate: '0.6', metric: 'absentFP-mean' });
  assert.equal(fp.text, '0.313');
  // per class at the report's rate 0.6: circle 0.5 (marginal) and 0.25 (crossentropy), both seeds equal
  const m = span({
    method: 'marginal-crossentropy',
    mode: 'object',
    rate: '0.6',
    class: 'circle',
    metric: 'absentFP-class-mean',
  });
  assert.equal(m.text, '0.500');
  const c = span({
    method: 'crossentropy',
    mode: 'object',
    rate: '0.6',
    class: "a<b & 'c'",
    metric: 'absentFP-class-mean',
  });
  assert.equal(c.text, '0.125');
});

test('report: every inserted string is escaped', () => {
  assert.equal(html.includes('<script>alert'), false, '<script>alert');
  assert.equal(
    html.includes('data/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'),
    true,
    'data/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
  );
  assert.equal(
    html.includes('--data &quot;d&lt;1&gt;&quot; --out study'),
    true,
    '--data &quot;d&lt;1&gt;&quot; --out study',
  );
  assert.equal(html.includes('a&lt;b &amp; &#39;c&#39;'), true, 'a&lt;b &amp; &#39;c&#39;');
  assert.equal(
    html.includes('No learning curve for &lt;odd&gt;/seed-9'),
    true,
    'No learning curve for &lt;odd&gt;/seed-9',
  );
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('report: self-contained: no script, no network reference, images are PNG data URIs', () => {
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /https?:/i);
  assert.doesNotMatch(html, /url\(|@import|<link|<iframe|<object|<embed/i);
  const srcs = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]);
  // 2 images x (input + truth + 3 methods)
  assert.equal(srcs.length, 10);
  for (const s of srcs) {
    assert.match(s, /^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    const png = PNG.sync.read(Buffer.from(s.slice('data:image/png;base64,'.length), 'base64'));
    assert.deepEqual([png.width, png.height], [2, 2]);
  }
  // the oracle's second overlay is solidPng(2, 3, 4)
  const oracle = [
    ...html.matchAll(
      /<img data-method="oracle" data-seed="1" data-image="5" src="data:image\/png;base64,([^"]+)"/g,
    ),
  ];
  assert.equal(oracle.length, 1);
  const px = PNG.sync.read(Buffer.from(oracle[0][1], 'base64')).data;
  assert.deepEqual([...px.subarray(0, 4)], [2, 3, 4, 255]);
});

test('report: tags nest, ids are unique, sections present, print CSS', () => {
  const voids = new Set(['meta', 'br', 'img', 'hr', 'input', 'link']);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    const tag = name.toLowerCase();
    if (voids.has(tag) || self === '/') continue;
    if (close === '') stack.push(tag);
    else assert.equal(stack.pop(), tag, `</${tag}> closes <${stack[stack.length] ?? 'nothing'}>`);
  }
  assert.deepEqual(stack, []);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of [
    'setup',
    'results',
    'comparisons',
    'curves',
    'predictions',
    'absent',
    'notes',
    'command',
  ]) {
    assert.ok(ids.includes(id), id);
  }
  for (const id of [
    'rate-chart-object',
    'forest-object',
    'curves-object',
    'table-meanIoU-object',
    'table-meanIoU-none',
  ]) {
    assert.ok(ids.includes(id), id);
  }
  assert.match(html, /@media print/);
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  // one thin line per seed and method in the curves: 3 methods x 2 seeds
  assert.equal([...html.matchAll(/<polyline data-method="[^"]+" data-seed="\d"/g)].length, 6);
  // a mean marker per (method, rate) in the rate chart: 2 methods x 2 rates
  assert.equal([...html.matchAll(/<circle data-method="[^"]+" data-mode="object"/g)].length, 4);
});

test('report helpers: ticks, rates shown, spread test images, number format', () => {
  // (0.97 - 0.62) / 5 = 0.07 -> step 0.1; 0.2 / 4 = 0.05 -> step 0.05
  assert.deepEqual(niceTicks(0.62, 0.97, 5), [0.7, 0.8, 0.9]);
  assert.deepEqual(niceTicks(-0.1, 0.1, 4), [-0.1, -0.05, 0, 0.05, 0.1]);
  assert.deepEqual(reportRates(summary), { object: 0.6, none: 0 });
  const three = { ...summary, groups: summary.groups.map((g, i) => (i === 0 ? { ...g, dropRate: 0.9 } : g)) };
  assert.equal(reportRates(three).object, 0.6);
  assert.deepEqual(spreadIndices(10, 4), [0, 2, 5, 7]);
  assert.deepEqual(spreadIndices(3, 4), [0, 1, 2]);
  assert.equal(formatNumber(-0.0004), '\u22120.000');
  assert.equal(formatNumber(null), 'n/a');
});
