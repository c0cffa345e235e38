import { describe, expect, test } from 'vitest';
import { removeKeysAfterTest } from '#testing/patterns';
import { clientsNamed, connect, namedUrl, redisUrl, unique } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { createCacheService, type CacheService } from './cache-service.ts';

function open(cleanup: (fn: () => Promise<void>) => void, namespace: string, poolSize: number, url = redisUrl()): CacheService {
  const service = createCacheService(url, { namespace, poolSize });
  cleanup(() => within(service.close(), 5_000, 'the cache service closing'));
  return service;
}

function namespace(): string {
  const ns = unique('cache');
  removeKeysAfterTest(ns);
  return ns;
}

describe('a cache service whose pool never lends out the subscriber', () => {
  test('after it watches a table, every command through the pool still works', async ({ onTestFinished }) => {
    const service = open(onTestFinished, namespace(), 2);
    await service.watch('users', () => {});

    for (let n = 1; n <= 6; n++) {
      await service.set('users', `u${n}`, `user ${n}`);
      expect(await service.get('users', `u${n}`), `reading back u${n}`).toBe(`user ${n}`);
    }
  });

  test('one subscriber connection, outside the pool, for every table it watches', async ({ onTestFinished }) => {
    const name = unique('cache-service');
    const service = open(onTestFinished, namespace(), 3, namedUrl(name));
    for (const table of ['users', 'orders', 'prices']) await service.watch(table, () => {});
    await service.get('users', 'warm-up');

    const probe = connect();
    await until(async () => (await clientsNamed(probe, name)).length === 4, 'the service having its 3 pooled connections and 1 subscriber open', 3_000);
    const connections = await clientsNamed(probe, name);
    expect(connections.map((c) => c.sub).sort(), 'channels subscribed per connection: one connection holds all three, the pool none').toEqual([0, 0, 0, 3]);
  });

  test('a change reaches every handler watching that table, once, in every service', async ({ onTestFinished }) => {
    const ns = namespace();
    const writer = open(onTestFinished, ns, 2);
    const reader = open(onTestFinished, ns, 2);
    const first = new Inbox<string>();
    const second = new Inbox<string>();
    const orders = new Inbox<string>();
    await reader.watch('users', first.push);
    await reader.watch('users', second.push);
    await reader.watch('orders', orders.push);

    await writer.set('users', 'u1', 'Ada');
    await writer.set('orders', 'o1', 'open');
    await writer.set('users', 'end', '-'); // once this has arrived, a duplicate of u1 would have too

    await first.waitUntil((k) => k === 'end', 3_000, 'the first users handler hearing of "end"');
    await second.waitUntil((k) => k === 'end', 3_000, 'the second users handler hearing of "end"');
    await orders.waitFor(1, 3_000, 'the orders handler hearing of "o1"');
    expect(first.items, 'the first handler: each changed key once, and only users').toEqual(['u1', 'end']);
    expect(second.items, 'the second handler: each changed key once, and only users').toEqual(['u1', 'end']);
    expect(orders.items, 'the orders handler: only orders').toEqual(['o1']);
  });

  test('close() closes the pool and the subscriber', async () => {
    const name = unique('cache-service');
    const service = createCacheService(namedUrl(name), { namespace: namespace(), poolSize: 2 });
    await service.watch('users', () => {});
    await service.get('users', 'u1');

    await within(service.close(), 5_000, 'close() resolving');

    const probe = connect();
    await until(async () => (await clientsNamed(probe, name)).length === 0, 'every connection of the service being closed', 3_000);
  });
});
