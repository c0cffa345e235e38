import { afterEach, describe, expect, it } from 'vitest';
import { createTopic, uniqueName } from '#testing/kafka';
import { unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { liveActionRoutes } from './action-routes.ts';
import { openEvents, ownHeaders, send, serveLive } from './live-test-kit.ts';
import { runBrokers } from './run-brokers.ts';
import { LIVE_PATHS, LIVE_TOKEN_HEADER, type LiveEvent } from './protocol.ts';
import { LiveRouteTable, type LiveContext, type LiveResponse } from './routes.ts';

/**
 * The acting routes through the route table, as the site server dispatches them (the guard in
 * front of them is live-state's and tested there), with a context on this run's brokers.
 */
let closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

function mount(options: { redisEmbedded?: boolean; kafkaEmbedded?: boolean } = {}) {
  const events = new Inbox<LiveEvent>();
  const running = new Set<string>();
  const context: LiveContext = {
    brokers: runBrokers({ redis: options.redisEmbedded, kafka: options.kafkaEmbedded }),
    publish: events.push,
    labs: { started: (run) => running.add(run.runId), ended: (runId) => running.delete(runId) },
    onClose: (stop) => closers.push(stop),
  };
  const table = new LiveRouteTable();
  table.add(...liveActionRoutes(context));
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<LiveResponse> => {
    const found = table.match(method, path);
    if (!found || found === 'method') throw new Error(`no ${method} route for ${path}`);
    return found.route.handle({ method, path, params: found.params, query: new URLSearchParams(), body }, context);
  };
  return { call, events, running, table };
}

describe('the acting routes', () => {
  it('answer the protocol paths: a console command, a produce, a consumer started, listed and stopped', async () => {
    const { call, events } = mount();
    const stream = unique('routes');
    const xadd = await call('POST', LIVE_PATHS.redisCommand, { line: `XADD ${stream} 1-1 id 7` });
    expect(xadd).toEqual({ status: 200, body: { printed: '"1-1"', reply: '1-1' } });

    const topic = uniqueName('routes');
    await createTopic(topic, 2);
    expect(await call('POST', LIVE_PATHS.kafkaProduce, { topic, value: 'v', partition: 1 })).toEqual({ status: 200, body: { topic, partition: 1, offset: '0' } });
    const started = await call('POST', LIVE_PATHS.kafkaConsumers, { topic, group: uniqueName('g'), fromBeginning: true });
    const { consumerId } = started.body as { consumerId: string };
    expect((await call('GET', LIVE_PATHS.kafkaConsumers)).body).toEqual({ consumers: [expect.objectContaining({ consumerId, topic })] });
    await events.waitUntil((e) => e.type === 'kafka-record' && e.data.consumerId === consumerId, 10_000, 'the record as a kafka-record event');
    expect(await call('POST', LIVE_PATHS.kafkaConsumerStop(consumerId))).toEqual({ status: 204 });
    expect(await call('POST', LIVE_PATHS.kafkaConsumerStop(consumerId))).toMatchObject({ status: 404, body: { refused: expect.stringMatching(/No console consumer/) as string } });
  });

  it('turn refusals into LiveRefusal bodies with their status', async () => {
    const { call } = mount({ redisEmbedded: false, kafkaEmbedded: false });
    expect(await call('POST', LIVE_PATHS.redisCommand, { line: 'FLUSHALL' })).toMatchObject({ status: 403, body: { refused: expect.stringMatching(/REDIS_URL/) as string } });
    expect(await call('POST', LIVE_PATHS.redisCommand, { args: 'GET k' })).toMatchObject({ status: 400 });
    expect(await call('POST', LIVE_PATHS.redisCommand, {})).toMatchObject({ status: 400 });
    const theirs = uniqueName('theirs');
    await createTopic(theirs, 1);
    expect(await call('POST', LIVE_PATHS.kafkaTopicDelete(theirs))).toMatchObject({ status: 403, body: { refused: expect.stringMatching(/KAFKA_BROKERS/) as string } });
    expect(await call('POST', LIVE_PATHS.kafkaProduce, 'not an object')).toMatchObject({ status: 400 });
    expect(await call('POST', LIVE_PATHS.labRun('no-such-lab'))).toMatchObject({ status: 404 });
    expect(await call('POST', LIVE_PATHS.labStop('lab-nothing'))).toMatchObject({ status: 404 });
    expect(await call('GET', LIVE_PATHS.labOutput('lab-nothing'))).toMatchObject({ status: 404 });
  });

  it('run a lab, stream its output, refuse a second on the same broker with 409, and serve what it printed', async () => {
    const { call, events, running } = mount();
    const run = await call('POST', LIVE_PATHS.labRun('late-subscriber'));
    expect(run.status).toBe(200);
    const { runId } = run.body as { runId: string };
    expect(running.has(runId)).toBe(true);
    expect(await call('POST', LIVE_PATHS.labRun('pubsub-latency'))).toMatchObject({ status: 409, body: { refused: expect.stringMatching(/"late-subscriber" is running on Redis/) as string } });
    await events.waitUntil((e) => e.type === 'lab-exit' && e.data.runId === runId, 60_000, 'the lab ending');
    const output = await call('GET', LIVE_PATHS.labOutput(runId));
    expect((output.body as { lines: string[] }).lines).toContain('The subscriber received: m4, m5, m6');
    expect(running.size).toBe(0);
  });

  it('a lab name that would reach another path is still just a name', () => {
    const { table } = mount();
    const found = table.match('POST', LIVE_PATHS.labRun('runs'));
    expect(found).not.toBe('method');
    expect(found && found !== 'method' ? found.params : undefined).toEqual(['runs']);
  });
});

describe('the acting routes on the live server, over HTTP', () => {

  it('the console XADD appears in the stream view; a lab streams its output to the page', async () => {
    const server = await serveLive(runBrokers(), [liveActionRoutes]);
    closers.push(() => server.close());
    const stream = unique('http-console');
    const page = await openEvents(server.port, server.token);
    closers.push(() => page.close());

    const xadd = await send(server.port, 'POST', LIVE_PATHS.redisCommand, ownHeaders(server.port, server.token), JSON.stringify({ line: `XADD ${stream} * id 1 note "from the page"` }));
    expect(xadd.status).toBe(200);
    const { reply } = JSON.parse(xadd.body) as { reply: string };
    // The stream view (the snapshots) shows the entry; the tail, opened before, may or may not have been listening yet.
    const inView = (e: LiveEvent): boolean => e.type === 'snapshot' && e.data.redis.state === 'ready' && e.data.redis.streams.some((s) => s.key === stream && s.lastId === reply && s.length === 1);
    await page.events.waitUntil(inView, 10_000, 'the XADD in the stream view');

    const run = await send(server.port, 'POST', LIVE_PATHS.labRun('late-subscriber'), ownHeaders(server.port, server.token));
    expect(run.status).toBe(200);
    const { runId } = JSON.parse(run.body) as { runId: string };
    await page.events.waitUntil((e) => e.type === 'lab-exit' && e.data.runId === runId, 60_000, 'the lab ending');
    const lines = page.events.items.flatMap((e) => (e.type === 'lab-output' && e.data.runId === runId ? [e.data.line] : []));
    expect(lines).toContain('The subscriber received: m4, m5, m6');
  });

  it('without the token, or from another origin, nothing is run', async () => {
    const server = await serveLive(runBrokers(), [liveActionRoutes]);
    closers.push(() => server.close());
    const key = unique('untouched');
    const { [LIVE_TOKEN_HEADER]: _token, ...noToken } = ownHeaders(server.port, server.token);
    const foreign = { ...ownHeaders(server.port, server.token), Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    for (const headers of [noToken, foreign]) {
      expect((await send(server.port, 'POST', LIVE_PATHS.redisCommand, headers, JSON.stringify({ line: `SET ${key} x` }))).status).toBe(403);
      expect((await send(server.port, 'POST', LIVE_PATHS.labRun('late-subscriber'), headers)).status).toBe(403);
    }
    const check = await send(server.port, 'POST', LIVE_PATHS.redisCommand, ownHeaders(server.port, server.token), JSON.stringify({ line: `EXISTS ${key}` }));
    expect(JSON.parse(check.body)).toMatchObject({ reply: 0 });
  });
});
