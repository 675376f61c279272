/**
 * HTML building blocks of the study report: escaping, numbers that carry their exact value in
 * `data-*` attributes (so a test can read what a reader sees), tables, and the page's CSS.
 */
import type { Aggregate } from './study-types.js';

/**
 * Escapes text for HTML content and double-quoted attribute values (`& < > " '`).
 *
 * @example
 * ```ts
 * escapeHtml('<a & "b">'); // '&lt;a &amp; &quot;b&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Attributes as ` name="value"` pairs, escaped, in the given order (undefined values left out). */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`)
    .join('');
}

/** Where a number belongs: written as `data-method`, `data-mode`, `data-rate`, ... on its element. */
export type NumberKey = Record<string, string | number | undefined>;

/** A number as shown: `digits` decimals, `n/a` for null, `−` for negatives (typographic minus). */
export function formatNumber(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const s = v.toFixed(digits);
  return s.startsWith('-') ? `\u2212${s.slice(1)}` : s;
}

/**
 * One number in a `<span>` with its key as `data-*` attributes, `data-metric`, and the exact value in
 * `data-value` (`''` for null), shown with `digits` decimals.
 *
 * @example
 * ```ts
 * numberSpan({ 'data-method': 'marginal' }, 'meanIoU-mean', 0.91234);
 * // '<span data-method="marginal" data-metric="meanIoU-mean" data-value="0.91234">0.912</span>'
 * ```
 */
export function numberSpan(key: NumberKey, metric: string, v: number | null, digits = 3): string {
  const value = v === null || !Number.isFinite(v) ? '' : String(v);
  return `<span${attrs({ ...key, 'data-metric': metric, 'data-value': value })}>${formatNumber(v, digits)}</span>`;
}

/**
 * An aggregate over seeds as `mean ± sd [lo, hi] n=…`, each number a {@link numberSpan} with metric
 * `<prefix>-mean`, `-sd`, `-ci-lo`, `-ci-hi`, `-n`; `n/a` parts are omitted when the value is null.
 */
export function aggregateHtml(key: NumberKey, prefix: string, a: Aggregate, digits = 3): string {
  const n = `<span class="n">n=${numberSpan(key, `${prefix}-n`, a.n, 0)}</span>`;
  if (a.mean === null) return `<span class="na">n/a</span> ${n}`;
  const parts = [numberSpan(key, `${prefix}-mean`, a.mean, digits)];
  if (a.sd !== null) parts.push(` ± ${numberSpan(key, `${prefix}-sd`, a.sd, digits)}`);
  if (a.ci95 !== null) {
    parts.push(
      ` <span class="ci">[${numberSpan(key, `${prefix}-ci-lo`, a.ci95[0], digits)}, ` +
        `${numberSpan(key, `${prefix}-ci-hi`, a.ci95[1], digits)}]</span>`,
    );
  }
  return `${parts.join('')} ${n}`;
}

/**
 * A table: `head` cells are escaped text, `rows` cells are HTML; the first cell of a row is a `<th>`
 * unless `rowHeader` is false.
 */
export function tableHtml(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  id?: string,
  rowHeader = true,
): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 && rowHeader ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table${attrs({ id })}>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A drop rate as written in ids and headers: `0.3`, `0.6` (shortest round-trip text). */
export const rateText = (rate: number): string => String(rate);

/** The report's CSS: readable on screen, no external font, printable (sections kept whole, no shadows). */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 2rem auto; max-width: 68rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.88rem; }
th, td { border: 1px solid #d4d4d4; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
td { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci, .n { color: #555; font-size: 0.85em; }
.na { color: #888; }
.note { color: #444; font-size: 0.92rem; }
.warn { color: #8a3b00; }
code, .cmd { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85rem; }
.cmd { display: block; white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 0.5rem; }
dl.setup { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; font-size: 0.92rem; }
dl.setup dt { font-weight: 600; }
dl.setup dd { margin: 0; }
figure { margin: 0.8rem 0 1.2rem; }
figcaption { font-size: 0.85rem; color: #444; max-width: 60rem; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, Arial, sans-serif; }
.predictions img { image-rendering: pixelated; width: 96px; height: 96px; display: block; }
.predictions td, .predictions th { text-align: center; }
.legend span { display: inline-block; margin-right: 1rem; font-size: 0.85rem; }
.legend i { display: inline-block; width: 0.9rem; height: 0.9rem; vertical-align: -0.1rem; margin-right: 0.25rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  .cmd { background: none; border: 1px solid #ccc; }
  a { color: inherit; text-decoration: none; }
}
`;
