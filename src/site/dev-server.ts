/**
 * The site's dev server for `npm start`: VitePress in middleware mode behind our own HTTP server on
 * 127.0.0.1, so that we choose the port (the preferred one, or the next free one when it is busy),
 * and so that Vite installs no SIGTERM or end-of-stdin handler that would end the learner's loop.
 * The port is bound first and VitePress starts behind it: the address is known at once, the loop
 * need not wait (VitePress indexes every page for search before it serves), and a request that
 * arrives early simply waits. The progress endpoint comes from the site's config
 * (src/site/progress-plugin.ts). Given the session's brokers, it also serves the live view under
 * LIVE_BASE (src/live/server.ts) — before VitePress, so it answers while VitePress still starts —
 * and its pages carry the live view's token (src/live/page-token.ts).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { createServer as createVitePress } from 'vitepress';
import { WorkbookError, describeError } from '../harness/errors.ts';
import { offerLiveToken } from '../live/page-token.ts';
import type { LiveBrokers } from '../live/routes.ts';
import { createLiveServer, type LiveServer, type LiveServerOptions } from '../live/server.ts';
import { DEFAULT_SITE_PORT, PROGRESS_FILE_ENV, SITE_QUIET_ENV } from './env.ts';
import { DOCS_DIR } from './paths.ts';

export interface SiteServerOptions {
  /** Tried first; 0 means any free port. When busy, the next ones are tried, then any free one. */
  port?: number;
  /** Defaults to .workbook/progress.json. */
  progressFile?: string;
  docsDir?: string;
  /** Log warnings only (the terminal is shared with the learner's loop). */
  quiet?: boolean;
  /** The learner session's brokers: with them the site serves the live view (`/broker/`, lab runs, the console). */
  live?: LiveBrokers;
  /** For tests and measurements: told of every snapshot sent. */
  liveObserver?: LiveServerOptions['observer'];
}

export interface SiteServer {
  url: string;
  port: number;
  /** Settles once VitePress serves pages; rejects, in words, when it cannot start. */
  ready: Promise<void>;
  /** The live view, when the site was given the session's brokers. */
  live?: LiveServer;
  close(): Promise<void>;
}

type ViteServer = Awaited<ReturnType<typeof createVitePress>>;

const HOST = '127.0.0.1';
const PORTS_TO_TRY = 10;

export async function startSiteServer(options: SiteServerOptions = {}): Promise<SiteServer> {
  if (options.progressFile) process.env[PROGRESS_FILE_ENV] = options.progressFile;
  if (options.quiet) process.env[SITE_QUIET_ENV] = '1';
  const http = createHttpServer();
  const port = await listen(http, options.port ?? DEFAULT_SITE_PORT);
  const live = options.live ? createLiveServer({ brokers: options.live, port, observer: options.liveObserver }) : undefined;
  if (live) offerLiveToken(http, live.token);

  // VitePress is imported here too, not at the top: loading it takes a second the loop need not wait for.
  const starting: Promise<ViteServer> = import('vitepress')
    .then(({ createServer }) => createServer(options.docsDir ?? DOCS_DIR, { middlewareMode: true, hmr: { server: http } }))
    .catch((error: unknown) => {
      throw new WorkbookError(`The site could not start: ${firstLine(describeError(error))}`);
    });
  let vite: ViteServer | undefined;
  const ready = starting.then((server) => {
    vite = server;
  });
  // Nobody may be waiting on `ready` (the loop carries on): the failure is reported through it, not as a crash.
  ready.catch(() => {});

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (live?.owns(req.url ?? '')) return live.handle(req, res);
    if (vite) return vite.middlewares(req, res);
    ready.then(
      () => vite?.middlewares(req, res),
      (error: unknown) => {
        res.statusCode = 503;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`${describeError(error)}\nRun \`npm run docs:dev\` to see the error in full.\n`);
      },
    );
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await live?.close();
    await ready.catch(() => {});
    await vite?.close();
    await closeHttp(http);
  };
  return { url: `http://${HOST}:${port}/`, port, ready, live, close: () => (closing ??= close()) };
}

async function listen(http: Server, preferred: number): Promise<number> {
  const candidates = preferred === 0 ? [0] : [...Array.from({ length: PORTS_TO_TRY }, (_, i) => preferred + i), 0];
  for (const port of candidates) {
    const bound = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        http.off('listening', onListening);
        if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
        else reject(new WorkbookError(`The site could not listen on ${HOST}:${port}: ${error.message}`));
      };
      const onListening = (): void => {
        http.off('error', onError);
        resolve(true);
      };
      http.once('error', onError).once('listening', onListening);
      http.listen(port, HOST);
    });
    if (bound) return (http.address() as AddressInfo).port;
  }
  throw new WorkbookError(`No free port for the site on ${HOST}.`);
}

/** One line of an error: its first, or the first two when the first only announces the rest ("Build failed with 1 error:"). */
export function firstLine(message: string): string {
  const [first = '', second] = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return first.endsWith(':') && second ? `${first} ${second}` : first;
}

function closeHttp(http: Server): Promise<void> {
  if (!http.listening) return Promise.resolve();
  return new Promise((resolve) => {
    http.closeAllConnections();
    http.close(() => resolve());
  });
}
