/**
 * The live view's server side, mounted by `npm start`'s site server (src/site/dev-server.ts) under
 * LIVE_BASE: every request passes the guard (guard.ts), then is either the events stream
 * (events.ts) or a route of a module in route-modules.ts. Answers are JSON; refusals are LiveRefusal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WorkbookError, describeError } from '../harness/errors.ts';
import { LiveHub, parseTail, type HubObserver, type Tail } from './events.ts';
import { checkLiveRequest, createLiveToken } from './guard.ts';
import { LIVE_BASE, LIVE_PATHS } from './protocol.ts';
import { LIVE_ROUTE_MODULES } from './route-modules.ts';
import { LiveRouteTable, refuse, type LiveBrokers, type LiveContext, type LiveResponse, type LiveRouteModule } from './routes.ts';

const MAX_BODY_BYTES = 64 * 1024;

export interface LiveServerOptions {
  brokers: LiveBrokers;
  /** The port the site listens on: the only Host and Origin answered. */
  port: number;
  /** Defaults to LIVE_ROUTE_MODULES. */
  modules?: LiveRouteModule[];
  observer?: HubObserver;
}

export interface LiveServer {
  /** Put into every page served (page-token.ts). */
  token: string;
  hub: LiveHub;
  /** True when `url` (a request's path and query) is the live view's to answer. */
  owns(url: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

export function createLiveServer(options: LiveServerOptions): LiveServer {
  const token = createLiveToken();
  const hub = new LiveHub(options.brokers, options.observer);
  const closers: Array<() => Promise<void> | void> = [];
  const context: LiveContext = {
    brokers: options.brokers,
    publish: (event) => hub.publish(event),
    labs: hub.labs,
    onClose: (stop) => closers.push(stop),
  };
  const table = new LiveRouteTable();
  for (const module of options.modules ?? LIVE_ROUTE_MODULES) table.add(...module(context));

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const refusal = checkLiveRequest(request, url, { port: options.port, token });
    if (refusal) return send(response, { status: refusal.status, body: refusal.body });
    const path = url.pathname.slice(LIVE_BASE.length) || '/';
    const method = request.method ?? 'GET';

    if (path === LIVE_PATHS.events && method === 'GET') {
      const text = url.searchParams.get('tail');
      let tail: Tail | undefined;
      if (text) {
        const parsed = parseTail(text);
        if (typeof parsed === 'string') return send(response, refuse(400, parsed));
        tail = parsed;
      }
      return hub.connect(response, tail);
    }

    const found = table.match(method, path);
    if (found === undefined) return send(response, refuse(404, `Nothing at ${LIVE_BASE}${path}.`));
    if (found === 'method') return send(response, refuse(405, `${method} is not answered at ${LIVE_BASE}${path}.`));
    const body = method === 'POST' ? await readJson(request) : undefined;
    if (body instanceof BadBody) return send(response, refuse(400, body.message));
    let result: LiveResponse;
    try {
      result = await found.route.handle({ method: found.route.method, path, params: found.params, query: url.searchParams, body }, context);
    } catch (error) {
      // A WorkbookError is the handler's one line for the learner; anything else is a bug, said in one line too.
      result = error instanceof WorkbookError ? refuse(400, error.message) : refuse(500, `The live view failed: ${describeError(error).split('\n')[0]}`);
    }
    if (method === 'POST') hub.poke(); // an action likely changed what the page shows
    send(response, result);
  };

  let closing: Promise<void> | undefined;
  return {
    token,
    hub,
    owns: (url) => url === LIVE_BASE || url.startsWith(`${LIVE_BASE}/`) || url.startsWith(`${LIVE_BASE}?`),
    handle: (request, response) => {
      answer(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, refuse(500, `The live view failed: ${describeError(error).split('\n')[0]}`));
        else response.end();
      });
    },
    close: () =>
      (closing ??= (async () => {
        await Promise.allSettled(closers.map((stop) => stop()));
        await hub.close();
      })()),
  };
}

function send(response: ServerResponse, result: LiveResponse): void {
  response.statusCode = result.status;
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (result.body === undefined) {
    response.end();
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(result.body));
}

class BadBody {
  constructor(readonly message: string) {}
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return new BadBody(`The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new BadBody('The request body is not JSON.');
  }
}
