import { describe, expect, test } from 'vitest';
import { monitorServer, parseMonitorLine, type MonitorLine } from './monitor.ts';
import { connect, unique } from './redis.ts';
import { Inbox } from './wait.ts';

describe('MONITOR read from the protocol', () => {
  test('reports each command with its exact arguments: quotes, backslashes, newlines and UTF-8 survive', async () => {
    const lines = new Inbox<MonitorLine>();
    await monitorServer((line) => lines.push(line));
    const client = connect();
    const key = unique('monitor');
    const value = 'say "hi"\\ \n\tcafé ☕';
    await client.set(key, value);

    const seen = (await lines.waitUntil((line) => line.args[1] === key, 2_000, 'MONITOR reporting the SET')).find((line) => line.args[1] === key);
    expect(seen?.args.map((arg, i) => (i === 0 ? arg.toLowerCase() : arg))).toEqual(['set', key, value]);
    expect(seen?.source, 'the address of the connection that sent it').toMatch(/^127\.0\.0\.1:\d+$/);
    await client.del(key);
  });

  test('a burst of commands right after MONITOR starts is reported, not taken for a reply', async () => {
    // Other clients busy as MONITOR starts: the case ioredis's monitor() raised "Command queue state error" on.
    const busy = connect();
    const key = unique('monitor-burst');
    const burst = Promise.all(Array.from({ length: 200 }, (_, i) => busy.echo(`${key}:${i}`)));
    const lines = new Inbox<MonitorLine>();
    await monitorServer((line) => lines.push(line));
    await burst;
    await busy.echo(`${key}:end`);
    await lines.waitUntil((line) => line.args[1] === `${key}:end`, 2_000, 'MONITOR reporting the last ECHO');
  });

  test('parses the lines of scripts and unix sockets, and refuses what is not a MONITOR line', () => {
    expect(parseMonitorLine('1700000000.000001 [0 lua] "get" "k"')).toEqual({ time: '1700000000.000001', source: 'lua', args: ['get', 'k'] });
    expect(parseMonitorLine('1700000000.000001 [3 unix:/tmp/redis.sock] "ping"')?.source).toBe('unix:/tmp/redis.sock');
    expect(parseMonitorLine('1700000000.000001 [0 127.0.0.1:1] "set" "k" "\\xe2\\x98\\x95"')?.args).toEqual(['set', 'k', '☕']);
    expect(parseMonitorLine('OK')).toBeUndefined();
  });
});
