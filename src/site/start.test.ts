/**
 * `npm start` end to end, in a copy of the workbook: the site and the learner's loop start side by
 * side (on the next port when the preferred one is busy), the site answers with the learner's
 * progress, its live view shows the very brokers the loop's tests use, and one Ctrl-C stops both.
 */
import { cpSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../catalog/paths.ts';
import { openEvents } from '../live/live-test-kit.ts';
import { LIVE_TOKEN_META } from '../live/protocol.ts';
import { CliProcess, createSandbox, type Sandbox } from '../testing/sandbox.ts';
import { until, within } from '../testing/wait.ts';
import { PROGRESS_ENDPOINT } from './progress-protocol.ts';

let sandbox: Sandbox;
let busy: Server;

beforeAll(async () => {
  sandbox = createSandbox();
  cpSync(join(ROOT, 'docs'), join(sandbox.root, 'docs'), {
    recursive: true,
    filter: (source) => !/[\\/]\.vitepress[\\/](cache|dist)([\\/]|$)/.test(source),
  });
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  sandbox.remove();
});

describe('npm start', () => {
  test('serves the site next to the loop, skips a busy port, and one Ctrl-C stops both', async () => {
    const busyPort = (busy.address() as { port: number }).port;
    const started = performance.now();
    const start = new CliProcess(sandbox, ['src/cli/start.ts', '--port', String(busyPort)]);
    try {
      const [, url = '', port = ''] = await start.expect(/Site: (http:\/\/127\.0\.0\.1:(\d+)\/)/, 30_000, 'the site address');
      const siteMs = performance.now() - started;
      expect(Number(port), 'the busy port was skipped').not.toBe(busyPort);
      await start.expect(/verdict: \w+/, 60_000, 'the first verdict of the loop');
      expect(start.output, 'the site is named under the keys').toMatch(/Site: http:\/\/127\.0\.0\.1:\d+\/ {2}\(chapters/);

      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<div id="app">');
      const progress = (await (await fetch(new URL(PROGRESS_ENDPOINT, url))).json()) as { current?: string };
      expect(progress.current, 'the site reports the exercise the loop is on').toMatch(/^\d{2}_\w+\/\d{2}_\w+$/);
      expect(siteMs, 'time to the site address').toBeLessThan(30_000);

      // The live view: the page carries the session token, and the snapshots show the loop's own brokers.
      const page = await (await fetch(new URL('/exercises/', url))).text();
      const token = new RegExp(`<meta name="${LIVE_TOKEN_META}" content="([\\w-]+)"`).exec(page)?.[1];
      expect(token, 'the live token in the served page').toBeDefined();
      const live = await openEvents(Number(port), token ?? '');
      try {
        const loopRedisPort = start.output.match(/redis-cli -p (\d+)/)?.[1];
        const events = await live.events.waitUntil((e) => e.type === 'snapshot' && e.data.redis.state === 'ready' && e.data.kafka.state === 'ready', 15_000, 'a snapshot with both brokers ready');
        const snapshot = events.findLast((e) => e.type === 'snapshot');
        if (snapshot?.type !== 'snapshot' || snapshot.data.redis.state !== 'ready' || snapshot.data.kafka.state !== 'ready') throw new Error('no snapshot');
        expect(snapshot.data.redis.commands, 'the live view reads the loop’s Redis').toEqual([`redis-cli -p ${loopRedisPort}`]);
        expect(start.output, 'the live view reads the loop’s Kafka').toContain(`Kafka: ${snapshot.data.kafka.bootstrap} (embedded`);
      } finally {
        live.close();
      }

      start.child.kill('SIGINT');
      // The code itself is the loop's business (its test runner sets its own on SIGINT); what matters is that it ends.
      expect(await within(start.exited, 15_000, 'npm start ending after Ctrl-C'), 'exit code after Ctrl-C').not.toBe(0);
      await expect(fetch(url), 'the site stopped with the loop').rejects.toThrow();
      const redisPort = start.output.match(/redis-cli -p (\d+)/)?.[1];
      expect(redisPort, 'the loop printed its Redis address').toBeDefined();
      // Stopped on exit, or by its watchdog within about 2 s when the exit was abrupt.
      await until(async () => !(await isListening(Number(redisPort))), 'the embedded Redis stopping with npm start', 5_000);
    } finally {
      start.child.kill('SIGKILL');
    }
  }, 120_000);

  test('a port that is not a number is one line, no stack trace', async () => {
    const start = new CliProcess(sandbox, ['src/cli/start.ts', '--port', 'eighty']);
    expect(await start.exited).toBe(1);
    expect(start.output.trim()).toBe('✗ "eighty" is not a port: give a number from 1 to 65535, e.g. `npm start -- --port 8080`.');
  }, 30_000);
});

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
