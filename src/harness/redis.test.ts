import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../catalog/paths.ts';
import { until, within } from '../testing/wait.ts';
import { WorkbookError } from './errors.ts';
import { findSystemBinary, startRedis } from './redis.ts';
import { processAlive } from '../testing/processes.ts';

const noUrl = { ...process.env, REDIS_URL: '' };


describe('startRedis', () => {
  test('starts a private redis-server on a random 127.0.0.1 port and stops it', async () => {
    const redis = await startRedis({ env: noUrl });
    expect(redis.embedded).toBe(true);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = new Redis(redis.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    const pid = redis.pid as number;
    expect(processAlive(pid)).toBe(true);

    await redis.stop();

    expect(processAlive(pid), 'redis-server is gone once stop() resolves').toBe(false);
  });

  test('restart() brings up a new, empty server on the same address, and a client reconnects to it', async () => {
    const redis = await startRedis({ env: noUrl });
    const client = new Redis(redis.url);
    client.on('error', () => {});
    try {
      await client.set('survives', 'no');
      const firstPid = redis.pid;
      const reconnected = new Promise<void>((resolve) => client.once('close', () => client.once('ready', () => resolve())));

      await redis.restart();

      expect(redis.pid, 'a new process').not.toBe(firstPid);
      expect(processAlive(firstPid as number), 'the old process is gone').toBe(false);
      await within(reconnected, 10_000, 'the client reconnecting to the restarted server');
      expect(await client.get('survives'), 'nothing is kept: the embedded server saves nothing').toBeNull();
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  test('uses the server in REDIS_URL instead, and never stops it', async () => {
    const own = await startRedis({ env: noUrl });
    try {
      const redis = await startRedis({ env: { ...process.env, REDIS_URL: own.url } });
      expect(redis).toMatchObject({ url: own.url, embedded: false });
      await redis.stop();
      const client = new Redis(own.url);
      expect(await client.ping(), 'the REDIS_URL server still runs').toBe('PONG');
      client.disconnect();
    } finally {
      await own.stop();
    }
  });

  test('an unreachable REDIS_URL is one clear line', async () => {
    const error = await startRedis({ env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toMatch(/^Cannot reach REDIS_URL=redis:\/\/127\.0\.0\.1:1 .*docker compose up -d redis.*unset REDIS_URL/);
    expect((error as Error).message).not.toContain('\n');
  });

  test('a wrong REDISMS_SYSTEM_BINARY is reported, not ignored', () => {
    expect(() => findSystemBinary({ REDISMS_SYSTEM_BINARY: '/nowhere/redis-server' })).toThrow(/is not an executable redis-server/);
  });

  test('with no redis-server anywhere, says it will build one, then fails in one clear line when it cannot', async () => {
    const lines: string[] = [];
    const downloads = mkdtempSync(join(tmpdir(), 'redisms-'));
    try {
      const error = await startRedis({
        // No redis-server on this PATH, and a download mirror that refuses connections: what an
        // offline machine without Redis looks like.
        env: { PATH: '/nonexistent', REDISMS_DOWNLOAD_MIRROR: 'http://127.0.0.1:1', REDISMS_DOWNLOAD_DIR: downloads },
        log: (line) => lines.push(line),
      }).catch((e: unknown) => e);
      expect(lines[0], 'the learner is told a build is starting').toMatch(/^No redis-server found on PATH: redis-memory-server is downloading and compiling one/);
      expect(error).toBeInstanceOf(WorkbookError);
      expect((error as Error).message).toMatch(/^No redis-server on this machine and building one failed .*apt-get install redis-server.*REDIS_URL/);
    } finally {
      rmSync(downloads, { recursive: true, force: true });
    }
  });

  test('a port in use is one clear line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await startRedis({ env: noUrl, port }).catch((e: unknown) => e);
      expect((error as Error).message).toBe(`Port ${port} is in use: stop what is using it, or let the workbook pick a free port.`);
    } finally {
      blocker.close();
    }
  });

  test('finds redis-server on PATH', () => {
    expect(findSystemBinary({ PATH: process.env.PATH })).toMatch(/redis-server$/);
  });

  describe('no redis-server outlives the process that started it', () => {
    for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
      test(`after ${signal}`, async () => {
        // One process (node with tsx's loader), so the signal reaches the very process that started redis.
        const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/harness/fixtures/hold-redis.ts')], {
          cwd: ROOT,
          env: noUrl,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        const line = await within(
          new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(d.toString()))),
          15_000,
          'the child starting redis',
        );
        const pid = Number(line.trim().split(' ')[2]);
        expect(processAlive(pid)).toBe(true);

        // Only the parent is signalled: redis-server itself hears nothing and must be stopped by it,
        // or, after SIGKILL, by redis-memory-server's watchdog noticing its parent is gone.
        child.kill(signal);
        await within(exited, 10_000, 'the child exiting');

        await until(() => !processAlive(pid), `redis-server ${pid} stopping after ${signal}`, 10_000);
      }, 30_000);
    }
  });
});
