/**
 * The study report's prediction grid (test images as PNG `data:` URIs) and its absent-class
 * false-positive tables.
 */
import type { Rgb } from '../report/image.js';
import type { ReportAssets } from './study-report-assets.js';
import { aggregateHtml, attrs, escapeHtml, numberSpan, rateText, tableHtml } from './study-report-html.js';
import type { DropMode, StudySummary } from './study-types.js';

/** A PNG as a `data:` URI. */
export const pngDataUri = (png: Uint8Array): string =>
  `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

const img = (png: Uint8Array, alt: string, extra: Record<string, string | number> = {}) =>
  `<img${attrs({ ...extra, src: pngDataUri(png), alt })}>`;

/** The grid of predictions: rows = test images; columns = image, truth, every method. */
export function predictionsSection(
  summary: StudySummary,
  assets: ReportAssets,
  palette: readonly Rgb[],
): string {
  const p = assets.predictions;
  const head = '<section id="predictions"><h2>Predictions on test images</h2>';
  if (p === null || p.images.length === 0) {
    return `${head}<p class="na">No predictions (see the notes).</p></section>`;
  }
  const legend = summary.classNames
    .map(
      (name, k) =>
        `<span><i style="background: rgb(${(palette[k] ?? [0, 0, 0]).join(',')})"></i>${escapeHtml(name)}</span>`,
    )
    .join('');
  const setting =
    p.dropMode === 'none' ? 'full labels' : `${p.dropMode} drop at rate ${rateText(p.dropRate)}`;
  const headers = ['image', 'truth', ...p.methods.map((m) => `${m.method} (seed ${m.seed})`)];
  const rows = p.images.map((im, i) => [
    img(im.input, `test image ${im.index}`) + `<span class="n">#${im.index}</span>`,
    img(im.truth, `true labels of test image ${im.index}`),
    ...p.methods.map((m) =>
      img(m.overlays[i], `${m.method} on test image ${im.index}`, {
        'data-method': m.method,
        'data-seed': m.seed,
        'data-image': im.index,
      }),
    ),
  ]);
  return (
    `${head}\n<p class="note">The same ${p.images.length} images of the ${escapeHtml(p.split)} split, ` +
    `predicted by each method's model (${escapeHtml(setting)}; the oracle on full labels), class colours over the image.</p>\n` +
    `<p class="legend">${legend}</p>\n<div class="predictions">${tableHtml(headers, rows, 'table-predictions', false)}</div></section>`
  );
}

/** Mean over the seeds' finished runs of class `k`'s absent false-positive rate at a setting. */
function perClassAbsent(
  summary: StudySummary,
  method: string,
  mode: DropMode,
  rate: number,
  k: number,
): number | null {
  const v = summary.runs
    .filter((r) => r.method === method && r.dropMode === mode && r.dropRate === rate && r.meanIoU !== null)
    .map((r) => r.absentFalsePositiveRate[k])
    .filter((x): x is number => typeof x === 'number');
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * Absent-class false positives: per drop mode, methods x rates of the per-seed mean over foreground
 * classes (aggregated over seeds), then per class at the report's rate of the mode.
 */
export function absentSection(summary: StudySummary, assets: ReportAssets): string {
  const parts = ['<section id="absent"><h2>False positives on absent classes</h2>'];
  parts.push(
    '<p class="note">Fraction of test images where a class is truly absent but predicted on at least one pixel: ' +
      'per seed the mean over the foreground classes, then mean ± sd [95% t-interval] over seeds; ' +
      'lower is better. Losses that infer the annotated classes from the labels tend to raise it.</p>',
  );
  const modes = [...new Set(summary.groups.map((g) => g.dropMode))];
  for (const mode of [...modes.filter((m) => m !== 'none'), ...modes.filter((m) => m === 'none')]) {
    const groups = summary.groups.filter((g) => g.dropMode === mode);
    const rates = [...new Set(groups.map((g) => g.dropRate))].sort((a, b) => a - b);
    const methods = [...new Set(groups.map((g) => g.method))];
    const key = (m: string, r: number) => ({ 'data-method': m, 'data-mode': mode, 'data-rate': rateText(r) });
    parts.push(`<h3>${escapeHtml(mode === 'none' ? 'full labels' : `${mode} drop`)}</h3>`);
    parts.push(
      tableHtml(
        ['method', ...rates.map((r) => (mode === 'none' ? 'full labels' : `rate ${rateText(r)}`))],
        methods.map((m) => [
          escapeHtml(m),
          ...rates.map((r) => {
            const g = groups.find((x) => x.method === m && x.dropRate === r);
            return g === undefined
              ? '<span class="na">not run</span>'
              : aggregateHtml(key(m, r), 'absentFP', g.absentFalsePositiveRate);
          }),
        ]),
        `table-absent-${mode}`,
      ),
    );
    const rate = assets.rates[mode];
    const fg = summary.classNames.slice(1);
    if (rate === undefined || fg.length === 0) continue;
    const at = mode === 'none' ? '' : ` at rate ${escapeHtml(rateText(rate))}`;
    parts.push(`<p class="note">Per class${at} (mean over seeds):</p>`);
    parts.push(
      tableHtml(
        ['method', ...fg],
        methods.map((m) => [
          escapeHtml(m),
          ...fg.map((name, k) =>
            numberSpan(
              { ...key(m, rate), 'data-class': name },
              'absentFP-class-mean',
              perClassAbsent(summary, m, mode, rate, k + 1),
            ),
          ),
        ]),
        `table-absent-classes-${mode}`,
      ),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}
