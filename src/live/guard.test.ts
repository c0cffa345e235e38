/**
 * Only the learner's own pages may use the live view (issue 16, item 4): a request from another
 * origin, another Host, a cross-site context, or without the session token is refused before any
 * handler runs; the same request from the site's own origin with the token is answered.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ownHeaders, send, serveLive, type LiveUnderTest } from './live-test-kit.ts';
import { runBrokers } from './run-brokers.ts';
import { LIVE_PATHS, LIVE_TOKEN_HEADER } from './protocol.ts';
import type { LiveRouteModule } from './routes.ts';

let server: LiveUnderTest;
let handled = 0;
const probe: LiveRouteModule = () => [
  {
    method: 'POST',
    path: '/probe',
    handle: (request) => {
      handled++;
      return { status: 200, body: { echoed: request.body } };
    },
  },
  { method: 'POST', path: /^\/things\/([^/]+)\/poke$/, handle: (request) => ({ status: 200, body: { thing: request.params[0] } }) },
];

beforeAll(async () => {
  server = await serveLive(runBrokers(), [probe]);
});
afterAll(async () => {
  await server?.close();
});

const body = JSON.stringify({ hello: 'world' });

describe('the live view answers the site’s own pages', () => {
  test('a POST from the own origin with the token reaches its handler', async () => {
    const answer = await send(server.port, 'POST', '/probe', ownHeaders(server.port, server.token), body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ echoed: { hello: 'world' } });
  });

  test('localhost:<port> is the same site as 127.0.0.1:<port>', async () => {
    const headers = { ...ownHeaders(server.port, server.token), Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` };
    expect((await send(server.port, 'POST', '/probe', headers, body)).status).toBe(200);
  });

  test('the events stream opens with the token in the query, as EventSource sends it', async () => {
    const { [LIVE_TOKEN_HEADER]: _token, ...withoutHeader } = ownHeaders(server.port, server.token);
    const answer = await send(server.port, 'GET', `${LIVE_PATHS.events}?token=${server.token}`, withoutHeader);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
  });

  test('a RegExp route gets its decoded captures', async () => {
    const answer = await send(server.port, 'POST', '/things/a%20b/poke', ownHeaders(server.port, server.token));
    expect(JSON.parse(answer.body)).toEqual({ thing: 'a b' });
  });

  test('bad input gets one line saying what is wrong', async () => {
    const notJson = await send(server.port, 'POST', '/probe', ownHeaders(server.port, server.token), '{oops');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toEqual({ refused: 'The request body is not JSON.' });
    const badTail = await send(server.port, 'GET', `${LIVE_PATHS.events}?tail=mqtt:x`, ownHeaders(server.port, server.token));
    expect(badTail.status).toBe(400);
    expect(JSON.parse(badTail.body).refused).toMatch(/redis-channel:<name>/);
    const nowhere = await send(server.port, 'GET', '/nowhere', ownHeaders(server.port, server.token));
    expect(nowhere.status).toBe(404);
  });
});

describe('the live view refuses everyone else, before any handler runs', () => {
  const cases: Array<{ name: string; status: number; reason: RegExp; headers: (port: number, token: string) => Record<string, string> }> = [
    { name: 'another origin (a cross-site fetch or form)', status: 403, reason: /only to pages of this site, not to https:\/\/evil\.example/, headers: (p, t) => ({ ...ownHeaders(p, t), Origin: 'https://evil.example' }) },
    { name: 'another port on 127.0.0.1 (another local site)', status: 403, reason: /not to http:\/\/127\.0\.0\.1:1/, headers: (p, t) => ({ ...ownHeaders(p, t), Origin: 'http://127.0.0.1:1' }) },
    { name: 'an opaque origin (a sandboxed frame, a file: page)', status: 403, reason: /not to null/, headers: (p, t) => ({ ...ownHeaders(p, t), Origin: 'null' }) },
    { name: 'another Host (DNS rebinding)', status: 421, reason: /not to Host "evil\.example:\d+"/, headers: (p, t) => ({ ...ownHeaders(p, t), Host: `evil.example:${p}` }) },
    { name: 'a cross-site context (Sec-Fetch-Site)', status: 403, reason: /not to a cross-site request/, headers: (p, t) => ({ ...ownHeaders(p, t), 'Sec-Fetch-Site': 'cross-site' }) },
    { name: 'a same-site but other-origin context', status: 403, reason: /not to a same-site request/, headers: (p, t) => ({ ...ownHeaders(p, t), 'Sec-Fetch-Site': 'same-site' }) },
    {
      name: 'no token',
      status: 403,
      reason: /No session token/,
      headers: (p, t) => {
        const { [LIVE_TOKEN_HEADER]: _, ...rest } = ownHeaders(p, t);
        return rest;
      },
    },
    { name: 'a wrong token', status: 403, reason: /Wrong session token/, headers: (p, t) => ({ ...ownHeaders(p, t), [LIVE_TOKEN_HEADER]: `${t.slice(0, -1)}x` }) },
  ];

  for (const { name, status, reason, headers } of cases) {
    test(`${name}: ${status}, and the handler never runs`, async () => {
      const before = handled;
      const post = await send(server.port, 'POST', '/probe', headers(server.port, server.token), body);
      expect(post.status).toBe(status);
      expect(post.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(post.body).refused).toMatch(reason);
      const events = await send(server.port, 'GET', LIVE_PATHS.events, headers(server.port, server.token));
      expect(events.status).toBe(status);
      expect(handled).toBe(before);
      expect(server.live.hub.connected).toBe(0);
    });
  }

  test('a CORS preflight is refused too (no Access-Control-Allow-* ever)', async () => {
    const answer = await send(server.port, 'OPTIONS', '/probe', { Host: `127.0.0.1:${server.port}`, Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});
