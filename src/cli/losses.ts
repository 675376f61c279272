import { defineCommand } from 'citty';
import { listLosses } from '../losses/registry.js';
import type { CliIO } from './io.js';

function formatDefault(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** `segloss losses`: every registered loss with its summary, paper, options and defaults. */
export const lossesCommand = defineCommand({
  meta: { name: 'losses', description: 'List every registered loss with its options and defaults' },
  args: {
    json: { type: 'boolean', description: 'print a JSON array' },
  },
  run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const losses = listLosses();
    if (args.json) {
      const rows = losses.map((l) => ({
        name: l.name,
        summary: l.summary,
        paper: l.paper,
        defaults: l.defaults,
      }));
      io.out(JSON.stringify(rows, (_k, v) => (v === undefined ? null : v)));
      return;
    }
    for (const l of losses) {
      io.out(`${l.name}`);
      io.out(`  ${l.summary}`);
      io.out(`  paper: ${l.paper}`);
      const opts = Object.entries(l.defaults).map(([k, v]) => `${k}=${formatDefault(v)}`);
      io.out(`  options: ${opts.join(', ')}`);
    }
  },
});
