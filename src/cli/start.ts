/**
 * `npm start`: the site and the learner's loop side by side, in one process.
 *
 *   npm start [-- --port <n>] [-- --poll]
 *
 * Serves the chapters on http://127.0.0.1:<port>/ (5173, or the next free port) with a ✓ on every
 * exercise done, and runs the watch session in this terminal. One Ctrl-C, or `q`, stops both.
 * The session's brokers are made here, once, and handed to both: the site's live view (/broker/)
 * shows the very brokers the learner's tests use.
 */
import { parseArgs } from 'node:util';
import { WorkbookError, describeError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import { sessionBrokers, type SessionBrokers } from '../learn/brokers.ts';
import { accent, bad, dim } from '../learn/style.ts';
import { liveBrokersOf } from '../live/session.ts';
import { lockSession } from '../learn/session-lock.ts';
import { Workbook } from '../learn/workbook.ts';
import { startSiteServer, type SiteServer } from '../site/dev-server.ts';
import { DEFAULT_SITE_PORT, SITE_PORT_ENV } from '../site/env.ts';
import { main } from './main.ts';

const USAGE = `Usage: npm start [-- --port <n>] [-- --poll]
  --port <n>  serve the site on this port (default ${DEFAULT_SITE_PORT}; the next free one if it is busy)
  --poll      check files for changes by polling, where file events do not arrive`;

main(async () => {
  const values = readOptions();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = parsePort(values.port ?? process.env[SITE_PORT_ENV]);
  // One session per folder, then the catalog: a broken exercise is reported before anything starts.
  lockSession('npm start');
  const workbook = new Workbook();

  // Until the loop's terminal takes them, the brokers' progress lines go to stdout.
  const brokers = sessionBrokers((line) => console.log(dim(line)));
  const site = await startSite(port, brokers);
  const banner = site ? [`Site: ${site.url}  (chapters, exercises, and a ✓ for each one you finish)`] : [];
  if (site) console.log(`${accent('Site:')} ${site.url}`);
  // The site finishes starting while the loop runs its first tests.
  site?.ready.catch((error: unknown) => siteFailed(error));
  // The site (and its live view) close before the brokers they read.
  const stopSiteAndBrokers = async (): Promise<void> => {
    await site?.close();
    await brokers.stop();
  };
  const forgetSite = onShutdown({ stop: stopSiteAndBrokers, stopSync: () => {} });
  try {
    // Loaded on demand, as in `npm run learn`: the test runner takes a moment to load.
    const { runWatchSession } = await import('../learn/watch-session.ts');
    await runWatchSession(workbook, { poll: values.poll || process.env.WORKBOOK_POLL === '1', banner, brokers });
  } finally {
    forgetSite();
    await stopSiteAndBrokers();
  }
  return 0;
});

function readOptions(): { port?: string; poll?: boolean; help?: boolean } {
  try {
    return parseArgs({ options: { port: { type: 'string' }, poll: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new WorkbookError(`${describeError(error)}. ${USAGE.split('\n')[0]}`);
  }
}

/** The loop is the heart of `npm start`: if the site cannot start, say why and carry on without it. */
async function startSite(port: number, brokers: SessionBrokers): Promise<SiteServer | undefined> {
  try {
    return await startSiteServer({ port, quiet: true, live: liveBrokersOf(brokers) });
  } catch (error) {
    siteFailed(error);
    return undefined;
  }
}

function siteFailed(error: unknown): void {
  console.error(`${bad('✗')} ${describeError(error)}`);
  console.error(dim("  The loop runs without the site. `npm run docs:dev` shows the site's error in full."));
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_SITE_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new WorkbookError(`"${text}" is not a port: give a number from 1 to 65535, e.g. \`npm start -- --port 8080\`.`);
  }
  return port;
}
