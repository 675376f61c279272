/**
 * A study's summary as Markdown tables (summary.md, the console, and the README's results, which a test
 * regenerates from the committed summary.json so they cannot drift).
 */
import type { Aggregate, StudyGroup, StudySummary } from './study-types.js';

const f3 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));

/** `0.912 ± 0.010 [0.901, 0.923]`; without an interval `0.912` (one seed) or `n/a`. */
export function formatAggregate(a: Aggregate): string {
  if (a.mean === null) return 'n/a';
  if (a.sd === null || a.ci95 === null) return f3(a.mean);
  return `${f3(a.mean)} ± ${f3(a.sd)} [${f3(a.ci95[0])}, ${f3(a.ci95[1])}]`;
}

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** Methods in first-seen order of the groups. */
const methodsOf = (groups: readonly StudyGroup[]) => [...new Set(groups.map((g) => g.method))];

/**
 * The result tables of a study: per drop mode, test mean IoU of every method (rows) at every rate
 * (columns) as mean ± sd [95% t-interval] over seeds, with the oracle's row where there is one; then
 * per-class IoU and the absent-class false-positive rate at each setting; then the paired differences
 * against the reference method with Holm-corrected p-values.
 *
 * @example
 * ```ts
 * studyMarkdown(summary); // '### Test mean IoU, object drop\n\n| method | 0.3 | 0.6 |\n...'
 * ```
 */
export function studyMarkdown(summary: StudySummary): string {
  const parts: string[] = [];
  const modes = [...new Set(summary.groups.map((g) => g.dropMode))].filter((m) => m !== 'none');
  const oracle = summary.groups.find((g) => g.method === 'oracle');
  const none = summary.groups.filter((g) => g.dropMode === 'none' && g.method !== 'oracle');
  const seeds = summary.groups[0]?.seeds ?? [];
  if (none.length > 0) {
    parts.push(`### Test mean IoU (seeds ${seeds.join(', ')})`);
    const names = summary.classNames.slice(1);
    parts.push(
      table(
        ['method', 'mean IoU', ...names, 'absent-class false positives'],
        none.map((g) => [
          g.method,
          formatAggregate(g.meanIoU),
          ...names.map((_, k) => formatAggregate(g.perClassIoU[k + 1])),
          formatAggregate(g.absentFalsePositiveRate),
        ]),
      ),
    );
  }
  for (const mode of modes) {
    const groups = summary.groups.filter((g) => g.dropMode === mode);
    const rates = [...new Set(groups.map((g) => g.dropRate))].sort((a, b) => a - b);
    const cell = (method: string, rate: number, f: (g: StudyGroup) => Aggregate | null) => {
      const g = groups.find((x) => x.method === method && x.dropRate === rate);
      const a = g === undefined ? null : f(g);
      return a === null ? '' : formatAggregate(a);
    };
    parts.push(`### Test mean IoU, ${mode} drop (seeds ${seeds.join(', ')})`);
    const rows = methodsOf(groups).map((m) => [m, ...rates.map((r) => cell(m, r, (g) => g.meanIoU))]);
    if (oracle !== undefined)
      rows.push(['oracle (full labels)', ...rates.map(() => formatAggregate(oracle.meanIoU))]);
    parts.push(table(['method', ...rates.map((r) => `rate ${r}`)], rows));
    parts.push(`### Absent-class false-positive rate, ${mode} drop`);
    parts.push(
      table(
        ['method', ...rates.map((r) => `rate ${r}`)],
        methodsOf(groups).map((m) => [m, ...rates.map((r) => cell(m, r, (g) => g.absentFalsePositiveRate))]),
      ),
    );
  }
  if (summary.comparisons.length > 0) {
    const ref = summary.comparisons[0].reference;
    parts.push(`### Paired difference in test mean IoU against ${ref} (same seed, same labels)`);
    parts.push(
      table(
        ['setting', 'method', 'mean difference [95% CI]', 't', 'p', 'Holm p', 'wins/losses'],
        summary.comparisons.map((c) => [
          c.dropMode === 'none' ? 'as labelled' : `${c.dropMode} ${c.dropRate}`,
          c.method,
          c.meanDifference === null
            ? 'n/a'
            : `${c.meanDifference >= 0 ? '+' : ''}${f3(c.meanDifference)}` +
              (c.ci95 === null ? '' : ` [${f3(c.ci95[0])}, ${f3(c.ci95[1])}]`),
          c.t === null ? 'n/a' : c.t.toFixed(2),
          c.p === null ? 'n/a' : c.p.toPrecision(2),
          c.pHolm === null ? 'n/a' : c.pHolm.toPrecision(2),
          `${c.wins}/${c.losses}`,
        ]),
      ),
    );
  }
  return parts.join('\n\n') + '\n';
}
