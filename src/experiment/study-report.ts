/**
 * `report.html` of a study: one self-contained page (inline CSS and SVG, images as `data:` URIs, no
 * script, no font or any other file from elsewhere) that opens offline and prints. Every number it
 * shows carries its exact value and its place (`data-method`, `data-mode`, `data-rate`,
 * `data-metric`, `data-value`), so a test can check the page against `summary.json`.
 */
import { classPalette } from '../report/colors.js';
import { signTestP } from './statistics.js';
import type { ReportAssets } from './study-report-assets.js';
import { absentSection, predictionsSection } from './study-report-extra.js';
import {
  aggregateHtml,
  attrs,
  escapeHtml,
  numberSpan,
  rateText,
  REPORT_CSS,
  tableHtml,
  type NumberKey,
} from './study-report-html.js';
import { curvesSvg, forestSvg, methodColor, rateChartSvg } from './study-report-svg.js';
import type { DropMode, StudyGroup, StudySummary } from './study-types.js';

/** Methods in first-seen order of the groups, the oracle last. */
export const reportMethods = (summary: StudySummary): string[] => {
  const all = [...new Set(summary.groups.map((g) => g.method))];
  return [...all.filter((m) => m !== 'oracle'), ...all.filter((m) => m === 'oracle')];
};

/** Drop modes in first-seen order, `'none'` (full labels: the oracle, or a study without drops) last. */
export const reportModes = (summary: StudySummary): DropMode[] => {
  const modes = [...new Set(summary.groups.map((g) => g.dropMode))];
  return [...modes.filter((m) => m !== 'none'), ...modes.filter((m) => m === 'none')];
};

/** Rates of `mode`, ascending. */
const ratesOf = (summary: StudySummary, mode: DropMode) =>
  [...new Set(summary.groups.filter((g) => g.dropMode === mode).map((g) => g.dropRate))].sort(
    (a, b) => a - b,
  );

/** The `data-*` key of a number of (method, mode, rate). */
export const keyOf = (method: string, mode: DropMode, rate: number): NumberKey => ({
  'data-method': method,
  'data-mode': mode,
  'data-rate': rateText(rate),
});

const modeTitle = (mode: DropMode) => (mode === 'none' ? 'full labels' : `${mode} drop`);

/** A `<dl>` row. */
const dd = (term: string, html: string) => `<dt>${escapeHtml(term)}</dt><dd>${html}</dd>`;
const code = (v: unknown) => `<code>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</code>`;

function setupSection(summary: StudySummary): string {
  const c = summary.config;
  const e = summary.environment;
  const list = (v: unknown, sep = ', ') =>
    Array.isArray(v) && v.length > 0 ? code(v.join(sep)) : '<span class="na">none</span>';
  const finished = summary.runs.filter((r) => r.meanIoU !== null).length;
  const failed = summary.runs.filter((r) => r.meanIoU === null);
  const rows = [
    dd(
      'data',
      `${code(c.data ?? 'n/a')} (SHA-256 ${code(e.datasetHash)}), evaluated on split ${code(c.split ?? 'test')}`,
    ),
    dd('classes', escapeHtml(summary.classNames.join(', '))),
    dd('methods', escapeHtml(reportMethods(summary).join(', '))),
    dd('reference', code(c.reference ?? 'crossentropy')),
    dd('drop modes', list(c.dropModes)),
    dd('drop rates', list(c.dropRates)),
    dd('seeds', list(c.seeds)),
    dd('training flags', list(c.trainArgs, ' ')),
    dd(
      'loss options',
      c.lossOptions && Object.keys(c.lossOptions).length > 0
        ? code(c.lossOptions)
        : '<span class="na">none</span>',
    ),
    dd(
      'runs',
      `<span id="runs-finished">${finished}</span> of <span id="runs-total">${summary.runs.length}</span> finished`,
    ),
    dd(
      'environment',
      escapeHtml(
        `segloss ${e.seglossVersion}${e.gitCommit ? ` (commit ${e.gitCommit})` : ''}, tfjs ${e.tfjsVersion} on ${e.backend}, Node ${e.node}, ${e.cpus} core(s)`,
      ),
    ),
  ];
  const failures =
    failed.length === 0
      ? ''
      : `<details><summary class="warn">${failed.length} run(s) without scores (not run yet, running or failed)</summary><ul>` +
        failed
          .map(
            (r) =>
              `<li>${code(r.dir)}${r.error ? `: ${escapeHtml(r.error.split('\n').pop() ?? '')}` : ''}</li>`,
          )
          .join('') +
        '</ul></details>';
  return (
    `<section id="setup"><h2>Setup</h2>\n<dl class="setup">${rows.join('\n')}</dl>\n` +
    `<p>Command:</p><code class="cmd" id="command">${escapeHtml(e.command)}</code>\n${failures}</section>`
  );
}

/** The mean-IoU cell of a group: aggregate, and the gap to the oracle where there is one. */
function groupCell(g: StudyGroup | undefined, method: string, mode: DropMode, rate: number): string {
  if (g === undefined) return '<span class="na">not run</span>';
  const key = keyOf(method, mode, rate);
  const gap =
    g.gapToOracle?.mean === null || g.gapToOracle === null
      ? ''
      : `<br><span class="n">gap to oracle ${numberSpan(key, 'gapToOracle-mean', g.gapToOracle.mean)}</span>`;
  return aggregateHtml(key, 'meanIoU', g.meanIoU) + gap;
}

function resultsSection(summary: StudySummary, colorOf: (m: string) => string): string {
  const parts = ['<section id="results"><h2>Test mean IoU</h2>'];
  parts.push(
    '<p class="note">Mean ± sample sd over seeds, [95% t-interval], n = seeds with a finished run. ' +
      'Gap to oracle: oracle minus method, paired by seed.</p>',
  );
  const oracle = summary.groups.find((g) => g.method === 'oracle');
  for (const mode of reportModes(summary)) {
    const rates = ratesOf(summary, mode);
    const methods = reportMethods(summary).filter((m) =>
      summary.groups.some((g) => g.dropMode === mode && g.method === m),
    );
    const find = (m: string, r: number) =>
      summary.groups.find((g) => g.method === m && g.dropMode === mode && g.dropRate === r);
    parts.push(`<h3>${escapeHtml(modeTitle(mode))}</h3>`);
    parts.push(
      tableHtml(
        ['method', ...rates.map((r) => (mode === 'none' ? 'full labels' : `rate ${rateText(r)}`))],
        methods.map((m) => [escapeHtml(m), ...rates.map((r) => groupCell(find(m, r), m, mode, r))]),
        `table-meanIoU-${mode}`,
      ),
    );
    if (mode !== 'none' && summary.groups.some((g) => g.dropMode === mode && g.meanIoU.mean !== null)) {
      const series = methods.map((m) => ({
        method: m,
        color: colorOf(m),
        groups: rates.map((r) => find(m, r)).filter((g): g is StudyGroup => g !== undefined),
      }));
      parts.push(
        `<figure>${rateChartSvg(series, oracle, mode)}<figcaption>Mean test IoU against the ${escapeHtml(mode)} drop rate: ` +
          'error bars are 95% t-intervals over seeds, small dots are single seeds' +
          (oracle ? ', the dashed line is the oracle trained on full labels' : '') +
          '.</figcaption></figure>',
      );
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

function comparisonsSection(summary: StudySummary, colorOf: (m: string) => string): string {
  const seeds = Array.isArray(summary.config.seeds)
    ? summary.config.seeds.length
    : (summary.groups[0]?.seeds.length ?? 0);
  const parts = ['<section id="comparisons"><h2>Paired differences against the reference</h2>'];
  parts.push(
    `<p class="note" id="sign-test-note">Every method is compared with ${code(summary.comparisons[0]?.reference ?? summary.config.reference ?? 'crossentropy')} at the same ` +
      'drop mode and rate, paired by seed (same dropped labels, initial weights and batch order): the mean ' +
      'difference in test mean IoU, its 95% t-interval, a paired t-test and Holm\u2019s correction across all ' +
      `comparisons. A sign test over n seeds cannot give a two-sided p below 2 · 0.5<sup>n</sup>: with five seeds ` +
      `that is ${signTestP(5, 0)}, above 0.05, so a study needs six or more seeds (six give ${signTestP(6, 0)}). ` +
      `This study has <span id="seed-count">${seeds}</span> seed(s)${seeds < 6 ? ', <span class="warn">too few for a sign test at 0.05</span>' : ''}.</p>`,
  );
  for (const mode of reportModes(summary)) {
    const rows = summary.comparisons.filter((c) => c.dropMode === mode);
    if (rows.length === 0) continue;
    parts.push(`<h3>${escapeHtml(modeTitle(mode))}</h3>`);
    parts.push(
      tableHtml(
        [
          'method',
          'rate',
          'n',
          'mean difference',
          '95% interval',
          't',
          'df',
          'p',
          'Holm p',
          'wins / losses / ties',
        ],
        rows.map((c) => {
          const k = keyOf(c.method, mode, c.dropRate);
          const s = (metric: string, v: number | null, digits = 3) => numberSpan(k, metric, v, digits);
          return [
            escapeHtml(c.method),
            escapeHtml(rateText(c.dropRate)),
            s('n', c.n, 0),
            s('diff-mean', c.meanDifference),
            c.ci95 === null
              ? '<span class="na">n/a</span>'
              : `[${s('diff-ci-lo', c.ci95[0])}, ${s('diff-ci-hi', c.ci95[1])}]`,
            s('t', c.t, 2),
            s('df', c.df, 0),
            s('p', c.p, 4),
            s('pHolm', c.pHolm, 4),
            `${s('wins', c.wins, 0)} / ${s('losses', c.losses, 0)} / ${s('ties', c.ties, 0)}`,
          ];
        }),
        `table-comparisons-${mode}`,
      ),
    );
    if (rows.every((c) => c.meanDifference === null)) continue;
    parts.push(
      `<figure>${forestSvg(rows, colorOf, mode)}<figcaption>Mean paired difference (square) with its 95% t-interval (line); ` +
        'right of zero the method beats the reference.</figcaption></figure>',
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function curvesSection(summary: StudySummary, assets: ReportAssets, colorOf: (m: string) => string): string {
  const parts = ['<section id="curves"><h2>Learning curves</h2>'];
  parts.push(
    '<p class="note">Validation mean IoU against the training step: every seed as a thin line, the mean ' +
      'over seeds as a thick line in a band of ± one sd.</p>',
  );
  for (const mode of reportModes(summary)) {
    const rate = assets.rates[mode];
    if (rate === undefined || (mode === 'none' && reportModes(summary).length > 1)) continue;
    const methods = reportMethods(summary).filter((m) =>
      assets.curves.some(
        (c) => c.method === m && (m === 'oracle' || (c.dropMode === mode && c.dropRate === rate)),
      ),
    );
    const panels = methods.map((m) => ({
      method: m,
      color: colorOf(m),
      seeds: assets.curves
        .filter((c) => c.method === m && (m === 'oracle' || (c.dropMode === mode && c.dropRate === rate)))
        .map((c) => ({ seed: c.seed, steps: c.steps, meanIoU: c.meanIoU })),
    }));
    if (panels.length === 0) continue;
    const title = mode === 'none' ? 'full labels' : `${mode} drop at rate ${rateText(rate)}`;
    parts.push(`<h3>${escapeHtml(title)}</h3>`);
    parts.push(`<figure>${curvesSvg(panels, `curves-${mode}`, `Learning curves, ${title}`)}</figure>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * Renders the study report as one HTML document: the setup (data, methods, modes, rates, seeds,
 * training flags, environment, command), a mean-IoU table per drop mode (methods x rates, mean ± sd
 * [95% t-interval], n, gap to the oracle) with a chart of mean IoU against drop rate (interval error
 * bars, per-seed dots), the paired differences against the reference (table and forest plot) with the
 * sign-test note, learning curves, the same test images predicted by every method, and the
 * absent-class false-positive rates. All text from the summary and assets is HTML-escaped.
 *
 * @example
 * ```ts
 * const summary = JSON.parse(readFileSync('study/summary.json', 'utf8')) as StudySummary;
 * const html = renderStudyReport(summary, await collectReportAssets('study', summary));
 * html.includes('<script'); // false
 * ```
 */
export function renderStudyReport(summary: StudySummary, assets: ReportAssets): string {
  const methods = reportMethods(summary);
  const colorOf = (m: string) => methodColor(m, Math.max(0, methods.indexOf(m)));
  const palette = classPalette(Math.max(1, summary.classNames.length));
  const notes =
    assets.notes.length === 0
      ? ''
      : `<section id="notes"><h2>Notes</h2><ul>${assets.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`;
  const title = `segloss study: ${methods.join(', ')}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="note"${attrs({ id: 'format' })}>${escapeHtml(`${summary.format} v${summary.version}`)}; ` +
      'test scores on fully annotated images; generated by segloss report.</p>',
    setupSection(summary),
    resultsSection(summary, colorOf),
    comparisonsSection(summary, colorOf),
    curvesSection(summary, assets, colorOf),
    predictionsSection(summary, assets, palette),
    absentSection(summary, assets),
    notes,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
