import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ndarray } from '../core/ndarray.js';
import {
  classPalette,
  colorBar,
  composeGrid,
  createImage,
  drawText,
  formatValue,
  heatmapToRgb,
  labelGridFigure,
  labelsToRgb,
  lineChartSvg,
  lossMapFigure,
  renderLineChart,
  SERIES_COLORS,
  viridis,
  vocColor,
  writeLineChart,
  type RgbImage,
} from './index.js';
import { writePng } from '../data/png-encode.js';

const px = (img: RgbImage, x: number, y: number) => [
  ...img.rgb.subarray(3 * (y * img.width + x), 3 * (y * img.width + x) + 3),
];

function withDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-report-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('vocColor: Pascal VOC devkit colours', () => {
  assert.deepEqual(vocColor(0), [0, 0, 0]);
  assert.deepEqual(vocColor(1), [128, 0, 0]);
  assert.deepEqual(vocColor(2), [0, 128, 0]);
  assert.deepEqual(vocColor(15), [192, 128, 128]); // person
  assert.deepEqual(vocColor(20), [0, 64, 128]); // tvmonitor
  assert.deepEqual(classPalette(6)[5], [128, 0, 128]);
});

test('labelsToRgb: palette colours, 255 = ignore colour, unknown label rejected', () => {
  const pal = classPalette(3);
  assert.deepEqual([...labelsToRgb([0, 1, 255], pal)], [32, 32, 40, 230, 159, 0, 224, 224, 192]);
  assert.throws(
    () => labelsToRgb([3], pal),
    /labelsToRgb: labels has 3 at flat index 0; expected an integer in \[0, 3\)/,
  );
  assert.throws(() => classPalette(0), /classPalette: numClasses is 0/);
});

test('viridis and heatmapToRgb: control points, interpolation, clamping, NaN', () => {
  assert.deepEqual(viridis(0), [68, 1, 84]);
  assert.deepEqual(viridis(1), [253, 231, 37]);
  assert.deepEqual(viridis(1 / 16), [70, 23, 103]); // halfway between the first two control points
  const rgb = heatmapToRgb([0, 5, 10, 20, NaN], { min: 0, max: 10 });
  assert.deepEqual([...rgb], [68, 1, 84, 33, 145, 140, 253, 231, 37, 253, 231, 37, 0, 0, 0]);
  assert.deepEqual([...heatmapToRgb([2, 4])], [68, 1, 84, 253, 231, 37]); // default range = data range
  assert.throws(() => heatmapToRgb([1], { min: 2, max: 1 }), /heatmapToRgb: range is \[2, 1\]/);
});

test('writePng: grey, RGB and RGBA round-trip through pngjs; no temp files left', () => {
  withDir((dir) => {
    writePng(join(dir, 'g.png'), { width: 3, height: 1, grey: Uint8Array.of(0, 3, 255) });
    const g = PNG.sync.read(readFileSync(join(dir, 'g.png')));
    assert.equal(g.colorType, 0);
    assert.deepEqual([...g.data], [0, 0, 0, 255, 3, 3, 3, 255, 255, 255, 255, 255]);
    writePng(join(dir, 'c.png'), { width: 1, height: 2, rgb: Uint8Array.of(1, 2, 3, 250, 251, 252) });
    const c = PNG.sync.read(readFileSync(join(dir, 'c.png')));
    assert.equal(c.colorType, 2);
    assert.deepEqual([...c.data], [1, 2, 3, 255, 250, 251, 252, 255]);
    writePng(join(dir, 'sub', 'a.png'), { width: 1, height: 1, rgba: Uint8Array.of(9, 8, 7, 100) });
    assert.deepEqual([...PNG.sync.read(readFileSync(join(dir, 'sub', 'a.png'))).data], [9, 8, 7, 100]);
    assert.deepEqual(readdirSync(dir).sort(), ['c.png', 'g.png', 'sub']);
    assert.throws(
      () => writePng(join(dir, 'x.png'), { width: 2, height: 2, rgb: new Uint8Array(3) }),
      /rgb has 3 bytes/,
    );
    assert.throws(
      () => writePng(join(dir, 'x.png'), { width: 1, height: 1 }),
      /expected exactly one of rgba, rgb, grey/,
    );
    assert.deepEqual(readdirSync(dir).sort(), ['c.png', 'g.png', 'sub']);
  });
});

test('composeGrid: layout, padding and titles', () => {
  const red = createImage(1, 1, [255, 0, 0]);
  const blue = createImage(1, 1, [0, 0, 255]);
  const g = composeGrid([red, blue], { cols: 2, padding: 1 });
  assert.equal(g.width, 5); // 2 * (1 + 1) + 1
  assert.equal(g.height, 3);
  assert.deepEqual(px(g, 1, 1), [255, 0, 0]);
  assert.deepEqual(px(g, 3, 1), [0, 0, 255]);
  assert.deepEqual(px(g, 2, 1), [255, 255, 255]);
  const t = composeGrid([red, blue, red], { cols: 2, padding: 1, titles: ['I', '', ''] });
  assert.equal(t.height, 2 * (1 + 10 + 1) + 1);
  assert.deepEqual(px(t, 1, 11), [255, 0, 0]); // tile below a 10-pixel title band
  assert.equal(t.width, 2 * (7 + 1) + 1); // cells widen to the title 'I' (5 px + 2)
  assert.throws(() => composeGrid([red], { cols: 0 }), /composeGrid: cols is 0/);
  assert.throws(() => composeGrid([red], { cols: 1, titles: [] }), /titles has 0 entries/);
});

test('drawText: 5x7 glyph pixels', () => {
  const img = createImage(5, 7);
  drawText(img, 'I', 0, 0, [0, 0, 0]);
  // 'I' row 0 is 01110, row 3 is 00100
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((x) => px(img, x, 0)[0]),
    [255, 0, 0, 0, 255],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((x) => px(img, x, 3)[0]),
    [255, 255, 0, 255, 255],
  );
});

test('formatValue and colorBar', () => {
  assert.deepEqual([0.5, 100, 2, 0.12345, 1234.5, 1e-5, 0].map(formatValue), [
    '0.5',
    '100',
    '2',
    '0.123',
    '1.23e3',
    '1e-5',
    '0',
  ]);
  const bar = colorBar({ min: 0, max: 2 }, 30);
  assert.deepEqual(px(bar, 0, 0), viridis(1));
  assert.deepEqual(px(bar, 0, 29), viridis(0));
});

test('labelGridFigure and lossMapFigure: tiles carry the palette and shared heat scale', () => {
  const labels = ndarray([0, 1, 2, 255], [1, 2, 2]);
  const fig = labelGridFigure([{ title: 'truth', labels }], { numClasses: 3, scale: 2, padding: 4 });
  // tile origin (4, 4 + 10); pixel (1,0) of the image is class 1 -> orange, at zoom 2
  assert.deepEqual(px(fig, 4 + 2, 14), [230, 159, 0]);
  assert.deepEqual(px(fig, 4 + 3, 14 + 3), [224, 224, 192]);
  const a = ndarray([0, 1, 2, 4], [1, 2, 2]);
  const b = ndarray([0, 0, 0, 0], [1, 2, 2]);
  const loss = lossMapFigure(
    [
      { title: 'ce', values: a },
      { title: 'ours', values: b },
    ],
    { scale: 1, padding: 4 },
  );
  assert.deepEqual(px(loss, 4 + 1, 14), viridis(1 / 4)); // value 1; 4 is the shared max
  assert.deepEqual(px(loss, 4 + 1, 15), viridis(1));
  // column 2 starts after a cell as wide as the widest title 'ours' (23 px + 2) and the padding
  assert.deepEqual(px(loss, 4 + 25 + 4 + 1, 14), viridis(0));
  assert.deepEqual(px(loss, 4 + 25 + 4 - 1, 14), [255, 255, 255]);
  assert.ok(loss.width > 4 + 2 * (2 + 4) + 12, `width ${loss.width}: the colour bar is appended`);
  assert.throws(
    () =>
      labelGridFigure(
        [
          { title: 'x', labels },
          { title: 'y', labels: ndarray([0], [1, 1, 1]) },
        ],
        { numClasses: 3 },
      ),
    /column 'y' has shape \[1,1,1\]; expected \[N,H,W\] = \[1,2,2\]/,
  );
});

test('line chart: PNG pixels at data points, SVG polylines, NaN breaks, atomic files', () => {
  const series = [{ name: 'train', y: [0, 1] }];
  const img = renderLineChart(series);
  // plot area: left 50, top 20, 320 x 266 pixels (480 - 50 - 110, 320 - 20 - 34)
  assert.deepEqual(px(img, 50, 286), [...SERIES_COLORS[0]]);
  assert.deepEqual(px(img, 370, 20), [...SERIES_COLORS[0]]);
  const svg = lineChartSvg(series, { title: 'Loss <ce>', xLabel: 'epoch', yLabel: 'loss' });
  assert.match(svg, /<polyline points="50\.0,286\.0 370\.0,20\.0"/);
  assert.match(svg, /Loss &lt;ce&gt;/);
  const broken = lineChartSvg([{ name: 'val', y: [0, NaN, 1, 2] }]);
  assert.equal(broken.match(/<polyline/g)?.length, 2);
  withDir((dir) => {
    writeLineChart(join(dir, 'c.png'), series, { title: 'loss' });
    writeLineChart(join(dir, 'c.svg'), series);
    const png = PNG.sync.read(readFileSync(join(dir, 'c.png')));
    assert.equal(png.width, 480);
    assert.equal(png.height, 320);
    assert.match(readFileSync(join(dir, 'c.svg'), 'utf8'), /^<svg /);
    assert.deepEqual(readdirSync(dir).sort(), ['c.png', 'c.svg']);
    assert.throws(() => writeLineChart(join(dir, 'c.jpg'), series), /must end in \.png or \.svg/);
  });
  assert.throws(() => renderLineChart([]), /series is empty/);
  assert.throws(() => renderLineChart([{ name: 'a', y: [NaN] }]), /no finite value/);
  assert.throws(() => renderLineChart([{ name: 'a', y: [1], x: [1, 2] }]), /has 2 x values but 1 y values/);
});
