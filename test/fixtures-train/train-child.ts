// Runs the segloss CLI in a child process (argv after the script), for the kill-and-resume test.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
