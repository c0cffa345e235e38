import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { until } from '../testing/wait.ts';
import { freePorts, portInUse, processAlive, spawnServer } from './process-kit.ts';

describe('the process kit', () => {
  test('free ports are distinct and free; a bound one is in use', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect(await portInUse(port)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await portInUse((server.address() as AddressInfo).port)).toBe(true);
    } finally {
      server.close();
    }
  });

  test('stop() asks with SIGTERM, insists with SIGKILL after the grace period, and keeps the last words', async () => {
    // A server that ignores SIGTERM, as a hung one would.
    const server = spawnServer(process.execPath, ['-e', "process.on('SIGTERM', () => console.log('not stopping')); console.log('listening'); setInterval(() => {}, 1e6)"], {
      graceMs: 300,
    });
    const pid = server.pid as number;
    await until(() => server.output().includes('listening'), 'the server printing its first line', 10_000);
    const started = Date.now();
    await server.stop();
    expect(processAlive(pid), 'gone once stop() resolves').toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(server.output()).toBe('listening\nnot stopping');
    expect(await server.exited).toBe('SIGKILL');
  });

  test('a program that does not exist ends at once, saying so', async () => {
    const server = spawnServer('/nonexistent/server', []);
    expect(await server.exited).toBe('error');
    expect(server.output()).toMatch(/ENOENT/);
    await server.stop();
  });

  test('a process group stops as a whole: what the program started is gone too, even if it ignores SIGTERM', async () => {
    // The shell starts two children and prints their pids; one of them ignores SIGTERM.
    const server = spawnServer('/bin/sh', ['-c', "sleep 300 & echo child $!; sh -c 'trap \"\" TERM; sleep 300' & echo child $!; echo; wait"], { group: true, graceMs: 300, blankLines: true });
    const lines: string[] = [];
    server.onLine((line) => lines.push(line));
    await until(() => lines.includes(''), 'the shell printing its children', 10_000);
    const children = lines.flatMap((line) => /^child (\d+)$/.exec(line)?.[1] ?? []).map(Number);
    expect(children).toHaveLength(2);
    for (const pid of children) expect(processAlive(pid)).toBe(true);
    await server.stop();
    for (const pid of [server.pid as number, ...children]) expect(processAlive(pid), `process ${pid} gone once stop() resolves`).toBe(false);
  });
});
