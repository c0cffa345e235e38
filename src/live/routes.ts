/**
 * The live view's route table: what `npm start`'s site server answers under LIVE_BASE besides the
 * events stream. The server (src/live/server.ts) checks every request first (the guard: Host,
 * Origin, Sec-Fetch-Site, token), parses a POST's JSON body, then hands it to the first route whose
 * method and path match. A handler never sees a request the guard refused.
 *
 * Routes come in modules: a module is a function of the context that returns its routes, so it can
 * keep state for the life of the server (running labs, consumers) and stop it in `onClose`.
 * Modules are listed in src/live/route-modules.ts.
 */
import type { Broker } from '../catalog/catalog.ts';
import type { KafkaInspector } from '../kafka/broker/index.ts';
import type { LiveEvent, LiveRefusal, LiveSnapshot } from './protocol.ts';

export interface LiveRequest {
  method: 'GET' | 'POST';
  /** The path under LIVE_BASE, as sent (still percent-encoded), e.g. `/labs/late-subscriber/run`. */
  path: string;
  /** The capture groups of a RegExp path, percent-decoded; empty for a string path. */
  params: string[];
  query: URLSearchParams;
  /** A POST's body, parsed as JSON; undefined when it is empty. A body that is not JSON is refused before any handler. */
  body: unknown;
}

/** JSON out: `body` is serialised as it is; no body (undefined) sends nothing (use 204). */
export interface LiveResponse {
  status: number;
  body?: unknown;
}

export interface LiveRoute {
  method: 'GET' | 'POST';
  /** Matched against the whole path under LIVE_BASE: a string exactly, a RegExp as it is (anchor it: /^\/labs\/([^/]+)\/run$/). */
  path: string | RegExp;
  handle(request: LiveRequest, context: LiveContext): Promise<LiveResponse> | LiveResponse;
}

/** A module of routes, created once per server with its context. */
export type LiveRouteModule = (context: LiveContext) => LiveRoute[];

export interface LiveRedisEndpoint {
  url: string;
  /** True when the workbook started this server (so FLUSHALL and the like only hurt the workbook's own data). */
  embedded: boolean;
}

export interface LiveKafkaEndpoint {
  /** host:port of each bootstrap broker. */
  brokers: string[];
  /** True for the embedded broker; false for KAFKA_BROKERS. */
  embedded: boolean;
  /** The embedded broker's extras (group generations, the transactions timeline); absent for a real cluster. */
  inspector?: KafkaInspector;
}

/** The learner session's brokers: the very ones the loop's tests use. */
export interface LiveBrokers {
  /** Starts `broker` if it is not started yet; resolves to why it cannot be had, or undefined when ready. */
  ensure(broker: Broker): Promise<string | undefined>;
  /** Where Redis is, once ready (after `ensure('redis')`); undefined before or when unavailable. */
  redis(): LiveRedisEndpoint | undefined;
  kafka(): LiveKafkaEndpoint | undefined;
  /** The variables a child process needs to reach the brokers that are ready (REDIS_URL, KAFKA_BROKERS, AWS_ENDPOINT_URL). */
  env(): Record<string, string>;
}

/** A lab run, as the snapshots list it (LiveSnapshot['labs']). */
export type LiveLabRun = LiveSnapshot['labs'][number];

export interface LiveContext {
  brokers: LiveBrokers;
  /** Sends an event to every open page (nothing when none is open). */
  publish(event: LiveEvent): void;
  /** The labs running now: every snapshot carries this list, so a page opened mid-run shows them. */
  labs: {
    started(run: LiveLabRun): void;
    ended(runId: string): void;
  };
  /** Called when the server closes (npm start ends): stop what the module started. Awaited. */
  onClose(stop: () => Promise<void> | void): void;
}

/** A refusal in the protocol's shape: 403 (not allowed), 409 (busy), 400 (bad input), 404 (no such thing). */
export function refuse(status: number, refused: string): LiveResponse {
  const body: LiveRefusal = { refused };
  return { status, body };
}

/** Builds the route table of one server; `match` finds the route for a request, or says why none. */
export class LiveRouteTable {
  private readonly routes: LiveRoute[] = [];

  add(...routes: LiveRoute[]): void {
    this.routes.push(...routes);
  }

  /** The route and its decoded params; `undefined` when no path matches, 'method' when the path matches another method. */
  match(method: string, path: string): { route: LiveRoute; params: string[] } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchPath(route.path, path);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    return pathMatched ? 'method' : undefined;
  }
}

function matchPath(pattern: string | RegExp, path: string): string[] | undefined {
  if (typeof pattern === 'string') return pattern === path ? [] : undefined;
  const found = pattern.exec(path);
  if (!found || found[0] !== path) return undefined;
  return found.slice(1).map((part) => {
    try {
      return decodeURIComponent(part ?? '');
    } catch {
      return part ?? '';
    }
  });
}
