/**
 * The CLI as a script, for child processes (experiment runs): `node dist/src/cli/entry.js train ...`.
 * bin/segloss.js is the installed command; both call {@link main}.
 */
import { main } from './main.js';

await main(process.argv.slice(2));
