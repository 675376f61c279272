import { defineCommand } from 'citty';
import { closeOnSignal } from '../web-server/stop-on-signal.js';
import { labAppDir } from '../web-server/app-dir.js';
import { openInBrowser } from '../web-server/open-browser.js';
import { startLabServer } from '../web-server/server.js';
import { intFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'lab';

/** `segloss lab`: serves the browser lab (the post, live, and training in the page) until Ctrl-C. */
export const labCommand = defineCommand({
  meta: {
    name: NAME,
    description: "Serve the browser lab: the post's experiment live and a U-Net trained in the page",
  },
  args: {
    port: { type: 'string', description: 'TCP port (0 = any free port)', default: '5173' },
    host: {
      type: 'string',
      description: 'address to bind (other than 127.0.0.1 exposes the lab to the network)',
      default: '127.0.0.1',
    },
    open: { type: 'boolean', description: 'open the page with xdg-open (else print the URL)' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const port = intFlag(NAME, 'port', args.port, 0, 65535);
    const server = await startLabServer({ root: labAppDir(), port, host: args.host });
    io.out(`segloss lab: ${server.url} (the post) and ${server.url}train.html (training); Ctrl-C stops`);
    if (args.open && !openInBrowser(server.url)) io.out(`no xdg-open here; open ${server.url} yourself`);
    const signal = await closeOnSignal(server);
    io.out(`segloss lab: stopped (${signal})`);
  },
});
