/**
 * For the live view's tests: a live server on a real HTTP server (as the site mounts it), and an
 * events-stream client that collects what a page would receive.
 */
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inbox } from '#testing/wait';
import { LIVE_BASE, LIVE_PATHS, type LiveEvent } from './protocol.ts';
import type { LiveBrokers, LiveRouteModule } from './routes.ts';
import { createLiveServer, type LiveServer, type LiveServerOptions } from './server.ts';

export interface LiveUnderTest {
  port: number;
  token: string;
  live: LiveServer;
  close(): Promise<void>;
}

export async function serveLive(brokers: LiveBrokers, modules: LiveRouteModule[] = [], observer?: LiveServerOptions['observer']): Promise<LiveUnderTest> {
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const live = createLiveServer({ brokers, port, modules, observer });
  http.on('request', (req, res) => {
    if (live.owns(req.url ?? '')) live.handle(req, res);
    else res.writeHead(404).end();
  });
  return {
    port,
    token: live.token,
    live,
    close: async () => {
      await live.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with exactly these headers (fetch would not let a test send a foreign Host). */
export function send(port: number, method: 'GET' | 'POST' | 'OPTIONS', path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: `${LIVE_BASE}${path}`, headers, setHost: false }, (res) => {
      // An events stream never ends: its status and headers are the answer.
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A page's headers: its own Host and Origin, same-origin, and the token. */
export function ownHeaders(port: number, token: string): Record<string, string> {
  return { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', 'x-workbook-token': token };
}

export interface EventsClient {
  events: Inbox<LiveEvent & { receivedAt: number }>;
  close(): void;
}

/** Connects to the events stream as a page does (the token in the query) and collects every event. */
export function openEvents(port: number, token: string, tail?: string): Promise<EventsClient> {
  const events = new Inbox<LiveEvent & { receivedAt: number }>();
  const query = new URLSearchParams({ token, ...(tail ? { tail } : {}) });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: `${LIVE_BASE}${LIVE_PATHS.events}?${query}`, headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`the events stream answered ${res.statusCode}`));
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const type = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (type && data) events.push({ type, data: JSON.parse(data), receivedAt: Date.now() } as LiveEvent & { receivedAt: number });
          }
        });
        res.on('error', () => {});
        resolve({ events, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
