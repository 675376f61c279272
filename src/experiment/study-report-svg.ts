/**
 * Inline SVG charts of the study report: mean IoU against drop rate (95% intervals as error bars,
 * every seed as a dot), a forest plot of paired differences, and learning curves as small multiples.
 * Plain SVG elements without `xmlns` (inline in HTML5), no script, no external reference.
 */
import { SERIES_COLORS } from '../report/chart.js';
import { attrs, escapeHtml, formatNumber, rateText } from './study-report-html.js';
import type { StudyComparison, StudyGroup } from './study-types.js';

/** Colour of method `index` in a study's method order (Okabe–Ito set, cycled); the oracle is black. */
export function methodColor(method: string, index: number): string {
  if (method === 'oracle') return 'rgb(0,0,0)';
  const c = SERIES_COLORS[index % (SERIES_COLORS.length - 1)];
  return `rgb(${c.join(',')})`;
}

/** Linear map from `[d0, d1]` to `[r0, r1]` (the middle of the range when the domain is one point). */
function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** About `count` round tick values covering `[lo, hi]` (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toFixed(10)));
  }
  return out;
}

/** Decimals that tell ticks apart: 2, or 3 when they are closer than 0.01. */
function tickDigits(ticks: readonly number[]): number {
  return ticks.length > 1 && Math.abs(ticks[1] - ticks[0]) < 0.01 ? 3 : 2;
}

/** Value range of `values` padded by 5%, clamped to `[0, 1]` when `unit` (IoU-like values). */
function paddedRange(values: readonly number[], unit: boolean): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return unit ? [0, 1] : [-1, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const pad = Math.max((hi - lo) * 0.05, 0.01);
  lo -= pad;
  hi += pad;
  return unit ? [Math.max(0, lo), Math.min(1, hi)] : [lo, hi];
}

const n1 = (v: number) => v.toFixed(1);

/** `<svg>` open tag of a `w x h` chart with an accessible label. */
const svgOpen = (w: number, h: number, label: string, id?: string) =>
  `<svg${attrs({ id, width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': label })} font-size="11">` +
  `<title>${escapeHtml(label)}</title><rect width="${w}" height="${h}" fill="white"/>`;

/** A y axis with ticks and grid lines across `[x0, x1]`. */
function yAxis(ticks: number[], y: (v: number) => number, x0: number, x1: number): string {
  const digits = tickDigits(ticks);
  return ticks
    .map(
      (t) =>
        `<line x1="${x0}" x2="${x1}" y1="${n1(y(t))}" y2="${n1(y(t))}" stroke="#e4e4e4"/>` +
        `<text x="${x0 - 4}" y="${n1(y(t) + 3.5)}" text-anchor="end">${formatNumber(t, digits)}</text>`,
    )
    .join('');
}

/** One method's groups at one drop mode, in rate order, for {@link rateChartSvg}. */
export interface RateSeries {
  method: string;
  color: string;
  groups: StudyGroup[];
}

/**
 * Mean test IoU against drop rate for one mode: per method a line through the means, the 95%
 * t-interval as an error bar and every seed's value as a dot (offset sideways per method so they do
 * not overlap); the oracle (full labels, no rate) as a dashed horizontal line.
 */
export function rateChartSvg(
  series: readonly RateSeries[],
  oracle: StudyGroup | undefined,
  mode: string,
): string {
  const longest = Math.max(20, ...series.map((s) => s.method.length));
  const right = Math.round(48 + 6.3 * longest);
  const w = 450 + right;
  const h = 320;
  const left = 52;
  const top = 16;
  const bottom = 40;
  const rates = [...new Set(series.flatMap((s) => s.groups.map((g) => g.dropRate)))].sort((a, b) => a - b);
  const all = [...series.flatMap((s) => s.groups), ...(oracle ? [oracle] : [])].flatMap((g) => [
    ...(g.meanIoU.ci95 ?? []),
    ...g.meanIoU.values.filter((v): v is number => v !== null),
  ]);
  const [ylo, yhi] = paddedRange(all, true);
  const y = scale(ylo, yhi, h - bottom, top);
  const span = rates.length > 1 ? rates[rates.length - 1] - rates[0] : 1;
  const pad = span * 0.08;
  const x = scale(rates[0] - pad, rates[rates.length - 1] + pad, left, w - right);
  const offset = (i: number) => (i - (series.length - 1) / 2) * 5;
  const parts = [svgOpen(w, h, `Mean test IoU against ${mode} drop rate`, `rate-chart-${mode}`)];
  parts.push(yAxis(niceTicks(ylo, yhi), y, left, w - right));
  for (const r of rates) {
    parts.push(`<text x="${n1(x(r))}" y="${h - bottom + 14}" text-anchor="middle">${rateText(r)}</text>`);
  }
  parts.push(
    `<text x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle">${escapeHtml(mode)} drop rate</text>`,
    `<text x="12" y="${(top + h - bottom) / 2}" transform="rotate(-90 12 ${(top + h - bottom) / 2})" text-anchor="middle">test mean IoU</text>`,
  );
  if (oracle?.meanIoU.mean !== null && oracle !== undefined) {
    const oy = n1(y(oracle.meanIoU.mean as number));
    parts.push(
      `<line x1="${left}" x2="${w - right}" y1="${oy}" y2="${oy}" stroke="black" stroke-dasharray="5 4"/>`,
    );
  }
  series.forEach((s, i) => {
    const pts = s.groups
      .filter((g) => g.meanIoU.mean !== null)
      .map((g) => `${n1(x(g.dropRate) + offset(i))},${n1(y(g.meanIoU.mean as number))}`);
    if (pts.length > 1)
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
    for (const g of s.groups) {
      const gx = x(g.dropRate) + offset(i);
      for (const v of g.meanIoU.values) {
        if (v !== null)
          parts.push(
            `<circle cx="${n1(gx + 2.5)}" cy="${n1(y(v))}" r="1.8" fill="${s.color}" opacity="0.55"/>`,
          );
      }
      if (g.meanIoU.ci95 !== null) {
        const [lo, hi] = g.meanIoU.ci95;
        parts.push(
          `<path d="M${n1(gx)} ${n1(y(lo))}V${n1(y(hi))}M${n1(gx - 3)} ${n1(y(lo))}h6M${n1(gx - 3)} ${n1(y(hi))}h6" stroke="${s.color}" fill="none"/>`,
        );
      }
      if (g.meanIoU.mean !== null) {
        const key = { 'data-method': s.method, 'data-mode': mode, 'data-rate': rateText(g.dropRate) };
        parts.push(
          `<circle${attrs({ ...key, 'data-value': g.meanIoU.mean })} cx="${n1(gx)}" cy="${n1(y(g.meanIoU.mean))}" r="3.2" fill="${s.color}"/>`,
        );
      }
    }
  });
  const legend = [
    ...series.map((s) => [s.method, s.color, '']),
    ...(oracle ? [['oracle (full labels)', 'black', '5 4']] : []),
  ];
  legend.forEach(([name, color, dash], k) => {
    const ly = top + 6 + k * 16;
    parts.push(
      `<line x1="${w - right + 12}" x2="${w - right + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${w - right + 35}" y="${ly + 4}">${escapeHtml(name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * A forest plot of paired differences (method − reference test mean IoU): one row per comparison,
 * the mean difference as a square, its 95% t-interval as a line, zero as a vertical line.
 */
export function forestSvg(
  rows: readonly StudyComparison[],
  colorOf: (method: string) => string,
  mode: string,
): string {
  const w = 620;
  const rowH = 20;
  const top = 22;
  const left = 210;
  const right = 30;
  const h = top + rows.length * rowH + 34;
  const ends = rows.flatMap((c) => [...(c.ci95 ?? []), c.meanDifference ?? NaN]);
  const [lo0, hi0] = paddedRange([...ends, 0], false);
  const m = Math.max(Math.abs(lo0), Math.abs(hi0));
  const x = scale(-m, m, left, w - right);
  const parts = [svgOpen(w, h, `Paired differences against the reference, ${mode} drop`, `forest-${mode}`)];
  const xt = niceTicks(-m, m, 6);
  for (const t of xt) {
    parts.push(
      `<line x1="${n1(x(t))}" x2="${n1(x(t))}" y1="${top - 6}" y2="${h - 30}" stroke="${t === 0 ? '#444' : '#e4e4e4'}"/>`,
      `<text x="${n1(x(t))}" y="${h - 18}" text-anchor="middle">${formatNumber(t, tickDigits(xt))}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + w - right) / 2}" y="${h - 4}" text-anchor="middle">difference in test mean IoU (method − ${escapeHtml(rows[0]?.reference ?? 'reference')})</text>`,
  );
  rows.forEach((c, i) => {
    const cy = top + i * rowH + rowH / 2;
    const color = colorOf(c.method);
    parts.push(
      `<text x="${left - 8}" y="${cy + 4}" text-anchor="end">${escapeHtml(c.method)} @ ${rateText(c.dropRate)}</text>`,
    );
    if (c.ci95 !== null) {
      parts.push(
        `<line x1="${n1(x(c.ci95[0]))}" x2="${n1(x(c.ci95[1]))}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1.6"/>`,
      );
    }
    if (c.meanDifference !== null) {
      const key = { 'data-method': c.method, 'data-mode': mode, 'data-rate': rateText(c.dropRate) };
      parts.push(
        `<rect${attrs({ ...key, 'data-value': c.meanDifference })} x="${n1(x(c.meanDifference) - 4)}" y="${cy - 4}" width="8" height="8" fill="${color}"/>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** One run's validation curve. */
export interface CurveSeed {
  seed: number;
  steps: number[];
  meanIoU: (number | null)[];
}

/** Mean and sample sd per step over the seeds with a value there (sd 0 for a single seed). */
function meanBand(seeds: readonly CurveSeed[]): { step: number; mean: number; sd: number }[] {
  const steps = [...new Set(seeds.flatMap((s) => s.steps))].sort((a, b) => a - b);
  return steps.flatMap((step) => {
    const v = seeds
      .map((s) => s.meanIoU[s.steps.indexOf(step)])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (v.length === 0) return [];
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    return [{ step, mean, sd }];
  });
}

/**
 * Validation mean IoU against step, one small panel per method (shared axes): every seed as a thin
 * line, the mean over seeds as a thick line inside a band of ± one sample sd.
 */
export function curvesSvg(
  panels: readonly { method: string; color: string; seeds: CurveSeed[] }[],
  id: string,
  label: string,
): string {
  const pw = Math.max(200, 70 + 6.6 * Math.max(0, ...panels.map((p) => p.method.length)));
  const ph = 150;
  const cols = Math.min(3, Math.max(1, panels.length));
  const rowsN = Math.ceil(panels.length / cols);
  const w = cols * pw + 20;
  const h = rowsN * ph + 24;
  const allSteps = panels.flatMap((p) => p.seeds.flatMap((s) => s.steps));
  const allV = panels
    .flatMap((p) => p.seeds.flatMap((s) => s.meanIoU))
    .filter((v): v is number => v !== null);
  const [ylo, yhi] = paddedRange(allV, true);
  const smax = Math.max(1, ...allSteps);
  const parts = [svgOpen(w, h, label, id)];
  panels.forEach((p, i) => {
    const ox = (i % cols) * pw + 20;
    const oy = Math.floor(i / cols) * ph + 4;
    const x = scale(0, smax, ox + 34, ox + pw - 8);
    const y = scale(ylo, yhi, oy + ph - 24, oy + 16);
    parts.push(`<text x="${ox + 34}" y="${oy + 11}" font-weight="600">${escapeHtml(p.method)}</text>`);
    parts.push(yAxis(niceTicks(ylo, yhi, 4), y, ox + 34, ox + pw - 8));
    parts.push(
      `<text x="${ox + 34}" y="${oy + ph - 11}">0</text>`,
      `<text x="${ox + pw - 8}" y="${oy + ph - 11}" text-anchor="end">${smax} steps</text>`,
    );
    const band = meanBand(p.seeds);
    if (band.length > 0) {
      const upper = band.map((b) => `${n1(x(b.step))},${n1(y(Math.min(yhi, b.mean + b.sd)))}`);
      const lower = band.map((b) => `${n1(x(b.step))},${n1(y(Math.max(ylo, b.mean - b.sd)))}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${p.color}" opacity="0.18"/>`);
    }
    for (const s of p.seeds) {
      const pts = s.steps
        .map((st, k) => [st, s.meanIoU[k]] as const)
        .filter((q): q is readonly [number, number] => q[1] !== null)
        .map(([st, v]) => `${n1(x(st))},${n1(y(v))}`);
      parts.push(
        `<polyline${attrs({ 'data-method': p.method, 'data-seed': s.seed })} points="${pts.join(' ')}" fill="none" stroke="${p.color}" stroke-width="0.7" opacity="0.7"/>`,
      );
    }
    const mean = band.map((b) => `${n1(x(b.step))},${n1(y(b.mean))}`);
    parts.push(`<polyline points="${mean.join(' ')}" fill="none" stroke="${p.color}" stroke-width="2.2"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
