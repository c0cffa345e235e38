import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../catalog/paths.ts';
import { until, within } from '../testing/wait.ts';
import { BrokerUnavailableError } from './errors.ts';
import { SOURCE_VARIABLE, findSystemBinary, startRedis } from './redis.ts';
import { freePort } from './process-kit.ts';
import { PYPI_FILES_VARIABLE, valkeyAvailable } from './tools/valkey.ts';
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
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach REDIS_URL=redis:\/\/127\.0\.0\.1:1 .*docker compose up -d redis.*unset REDIS_URL/);
    expect((error as Error).message).not.toContain('\n');
  });

  test('a REDIS_URL that accepts connections and never answers fails within seconds, not never', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await within(startRedis({ env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` } }).catch((e: unknown) => e), 10_000, 'startRedis giving up');
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as Error).message).toMatch(/^Cannot reach REDIS_URL=.*\(no answer to PING within 3 s\)/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      silent.close();
    }
  });

  test('a wrong REDISMS_SYSTEM_BINARY is reported, not ignored', () => {
    expect(() => findSystemBinary({ REDISMS_SYSTEM_BINARY: '/nowhere/redis-server' })).toThrow(/is not an executable redis-server/);
  });

  test('finds redis-server on PATH', () => {
    const bin = mkdtempSync(join(tmpdir(), 'redis-bin-'));
    try {
      writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n');
      chmodSync(join(bin, 'redis-server'), 0o755);
      expect(findSystemBinary({ PATH: `/nonexistent:${bin}` })).toBe(join(bin, 'redis-server'));
      expect(findSystemBinary({ PATH: '/nonexistent' })).toBeUndefined();
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test.skipIf(!valkeyAvailable())(`${SOURCE_VARIABLE}=valkey runs the prebuilt valkey-server from the tool cache`, async () => {
    const redis = await startRedis({ env: { ...noUrl, [SOURCE_VARIABLE]: 'valkey' }, log: () => {} });
    const client = new Redis(redis.url);
    try {
      expect(await client.info('server')).toMatch(/valkey_version:8\.1\.8/);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  }, 60_000);

  test('with no redis-server, no way to fetch one and no compiler: one line naming every source tried and what to do', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'workbook-cache-'));
    try {
      const error = await startRedis({
        // What an offline machine without Redis or a compiler looks like: nothing on PATH, an empty
        // tool cache, and a PyPI that refuses connections.
        env: { PATH: '/nonexistent', PUBSUB_WORKBOOK_CACHE: cache, [PYPI_FILES_VARIABLE]: `http://127.0.0.1:${await freePort()}` },
        log: () => {},
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^No Redis server on this machine: no redis-server on PATH; /);
      if (valkeyAvailable()) expect(message).toMatch(/the prebuilt valkey-server could not be had \(Could not download .*ECONNREFUSED/);
      expect(message).toMatch(/no C compiler to build one\. Install Redis 7\+ .*apt-get install redis-server.*REDIS_URL/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('a port in use is one clear line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await startRedis({ env: noUrl, port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as Error).message).toBe(`Port ${port} is in use on 127.0.0.1. Stop what is using it, or let the workbook pick a free port.`);
    } finally {
      blocker.close();
    }
  });

  describe('no redis-server outlives the process that started it', () => {
    for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
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
        // or, after SIGKILL, by the process kit's watchdog reading end-of-file on its pipe.
        child.kill(signal);
        await within(exited, 10_000, 'the child exiting');

        await until(() => !processAlive(pid), `redis-server ${pid} stopping after ${signal}`, 10_000);
      }, 30_000);
    }
  });
});
