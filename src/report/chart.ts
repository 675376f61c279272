import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { formatValue } from './figure.js';
import { GLYPH_HEIGHT, textWidth } from './font.js';
import { createImage, drawLine, drawText, fillRect, type Rgb, type RgbImage } from './image.js';
import { encodePng } from '../data/png-encode.js';

/** One curve: `y[k]` at `x[k]` (default `x = 0, 1, 2, ...`); NaN values break the line. */
export interface Series {
  readonly name: string;
  readonly y: readonly number[];
  readonly x?: readonly number[];
}

/** Titles and size of a line chart. */
export interface ChartOptions {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Line colours (Okabe & Ito 2008 colour-blind-safe set), cycled. */
export const SERIES_COLORS: readonly Rgb[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [0, 0, 0],
];

interface Layout {
  width: number;
  height: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  x: { min: number; max: number };
  y: { min: number; max: number };
  px: (x: number) => number;
  py: (y: number) => number;
}

function layout(series: readonly Series[], options: ChartOptions): Layout {
  if (series.length === 0) fail('writeLineChart', 'series is empty; expected at least one series');
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    if (s.x && s.x.length !== s.y.length) {
      fail('writeLineChart', `series '${s.name}' has ${s.x.length} x values but ${s.y.length} y values`);
    }
    s.y.forEach((v, k) => {
      if (Number.isFinite(v)) {
        ys.push(v);
        xs.push(s.x ? s.x[k] : k);
      }
    });
  }
  if (ys.length === 0) fail('writeLineChart', 'series has no finite value to plot');
  const span = (v: number[]) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return lo === hi ? { min: lo - 0.5, max: hi + 0.5 } : { min: lo, max: hi };
  };
  const width = options.width ?? 480;
  const height = options.height ?? 320;
  const left = 50;
  const top = 20;
  const plotW = width - left - 110;
  const plotH = height - top - 34;
  const x = span(xs);
  const y = span(ys);
  return {
    width,
    height,
    left,
    top,
    plotW,
    plotH,
    x,
    y,
    px: (v) => left + ((v - x.min) / (x.max - x.min)) * plotW,
    py: (v) => top + plotH - ((v - y.min) / (y.max - y.min)) * plotH,
  };
}

/** Consecutive finite points of a series as polyline segments in pixel coordinates. */
function segments(s: Series, l: Layout): [number, number][][] {
  const out: [number, number][][] = [[]];
  s.y.forEach((v, k) => {
    if (Number.isFinite(v)) out[out.length - 1].push([l.px(s.x ? s.x[k] : k), l.py(v)]);
    else if (out[out.length - 1].length > 0) out.push([]);
  });
  return out.filter((seg) => seg.length > 0);
}

/** Draws a line chart (axes, min/max ticks, legend) as an RGB image with the 5x7 font. */
export function renderLineChart(series: readonly Series[], options: ChartOptions = {}): RgbImage {
  const l = layout(series, options);
  const img = createImage(l.width, l.height);
  const ink: Rgb = [40, 40, 40];
  drawLine(img, l.left, l.top, l.left, l.top + l.plotH, ink);
  drawLine(img, l.left, l.top + l.plotH, l.left + l.plotW, l.top + l.plotH, ink);
  if (options.title) drawText(img, options.title, l.left, 5, ink);
  const yMax = formatValue(l.y.max);
  const yMin = formatValue(l.y.min);
  drawText(img, yMax, l.left - 3 - textWidth(yMax), l.top, ink);
  drawText(img, yMin, l.left - 3 - textWidth(yMin), l.top + l.plotH - GLYPH_HEIGHT, ink);
  const base = l.top + l.plotH + 4;
  drawText(img, formatValue(l.x.min), l.left, base, ink);
  const xMax = formatValue(l.x.max);
  drawText(img, xMax, l.left + l.plotW - textWidth(xMax), base, ink);
  if (options.xLabel)
    drawText(img, options.xLabel, l.left + (l.plotW - textWidth(options.xLabel)) / 2, base + 12, ink);
  if (options.yLabel) drawText(img, options.yLabel, 2, l.top + l.plotH / 2, ink);
  series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    for (const seg of segments(s, l)) {
      if (seg.length === 1) fillRect(img, Math.round(seg[0][0]) - 1, Math.round(seg[0][1]) - 1, 3, 3, color);
      for (let i = 1; i < seg.length; i++)
        drawLine(img, seg[i - 1][0], seg[i - 1][1], seg[i][0], seg[i][1], color);
    }
    const ly = l.top + k * 12;
    fillRect(img, l.left + l.plotW + 10, ly + 2, 10, 3, color);
    drawText(img, s.name, l.left + l.plotW + 24, ly, ink);
  });
  return img;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The same chart as {@link renderLineChart}, as SVG text (one `<polyline>` per unbroken run of a series). */
export function lineChartSvg(series: readonly Series[], options: ChartOptions = {}): string {
  const l = layout(series, options);
  const f = (v: number) => v.toFixed(1);
  const rgb = (c: Rgb) => `rgb(${c.join(',')})`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<path d="M${l.left} ${l.top}V${l.top + l.plotH}H${l.left + l.plotW}" fill="none" stroke="#282828"/>`,
  ];
  if (options.title) parts.push(`<text x="${l.left}" y="13">${esc(options.title)}</text>`);
  parts.push(
    `<text x="${l.left - 3}" y="${l.top + 8}" text-anchor="end">${formatValue(l.y.max)}</text>`,
    `<text x="${l.left - 3}" y="${l.top + l.plotH}" text-anchor="end">${formatValue(l.y.min)}</text>`,
    `<text x="${l.left}" y="${l.top + l.plotH + 13}">${formatValue(l.x.min)}</text>`,
    `<text x="${l.left + l.plotW}" y="${l.top + l.plotH + 13}" text-anchor="end">${formatValue(l.x.max)}</text>`,
  );
  if (options.xLabel) {
    parts.push(
      `<text x="${l.left + l.plotW / 2}" y="${l.height - 4}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    );
  }
  if (options.yLabel) {
    const cy = l.top + l.plotH / 2;
    parts.push(
      `<text x="12" y="${cy}" transform="rotate(-90 12 ${cy})" text-anchor="middle">${esc(options.yLabel)}</text>`,
    );
  }
  series.forEach((s, k) => {
    const color = rgb(SERIES_COLORS[k % SERIES_COLORS.length]);
    for (const seg of segments(s, l)) {
      const pts = seg.map(([x, y]) => `${f(x)},${f(y)}`).join(' ');
      parts.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    const ly = l.top + k * 14;
    parts.push(
      `<rect x="${l.left + l.plotW + 10}" y="${ly + 3}" width="10" height="3" fill="${color}"/>`,
      `<text x="${l.left + l.plotW + 24}" y="${ly + 8}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * Writes a line chart of training curves atomically, as PNG or SVG by the extension of `path`.
 *
 * @example
 * ```ts
 * writeLineChart('loss.svg', [{ name: 'train', y: [0.9, 0.5, 0.3] }], { title: 'Loss', xLabel: 'epoch' });
 * ```
 */
export function writeLineChart(path: string, series: readonly Series[], options: ChartOptions = {}): void {
  if (path.endsWith('.svg')) writeFileAtomic('writeLineChart', path, lineChartSvg(series, options));
  else if (path.endsWith('.png'))
    writeFileAtomic('writeLineChart', path, encodePng(renderLineChart(series, options)));
  else fail('writeLineChart', `path '${path}' must end in .png or .svg`);
}
