import { describe, expect, test } from 'vitest';
import { connect } from './redis.ts';
import { pendingEntries, tempNamespace } from './streams.ts';
import { beyond, crashedConsumer, crowdedKeyspace, noiseKeys } from './volume.ts';

describe('data beyond one page, batch or count', () => {
  test('beyond(n) needs three calls of n', () => {
    expect(beyond(10)).toBe(21);
  });

  test('a crowded keyspace makes SCAN MATCH return empty pages before the cursor ends', async () => {
    const redis = connect();
    const ns = tempNamespace('volume');
    const matching = Array.from({ length: 30 }, (_, i) => `${ns}:user:${i}`);
    await crowdedKeyspace(redis, matching, noiseKeys(ns, 3_000));

    let cursor = '0';
    let pages = 0;
    let emptyPagesBeforeTheEnd = 0;
    const found = new Set<string>();
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns}:user:*`, 'COUNT', 100);
      pages++;
      if (keys.length === 0 && next !== '0') emptyPagesBeforeTheEnd++;
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');

    expect(found.size).toBe(30);
    expect(pages, 'SCAN pages walked').toBeGreaterThan(2);
    expect(emptyPagesBeforeTheEnd, 'empty pages while the cursor was not yet 0').toBeGreaterThan(0);
  });

  test('a crashed consumer holds more idle pending entries than one call claims', async () => {
    const redis = connect();
    const ns = tempNamespace('volume');
    const ids = await crashedConsumer(redis, `${ns}:s`, 'g', 'crashed', beyond(10), 60_000);

    const pending = await pendingEntries(redis, `${ns}:s`, 'g');
    expect(pending.map((p) => p.id)).toEqual(ids);
    expect(pending.every((p) => p.consumer === 'crashed' && p.idleMs >= 60_000 && p.deliveries === 1)).toBe(true);
  });
});
