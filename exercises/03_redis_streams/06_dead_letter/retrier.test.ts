import { describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { connect } from '#testing/redis';
import { addEntries, createGroup, deliver, pendingEntries, readAll, tempNamespace } from '#testing/streams';
import { within } from '#testing/wait';
import { beyond } from '#testing/volume';
import { retryPending, type EntryHandler, type RetryReport } from './retrier.ts';

const GROUP = 'billing';
const MAX_DELIVERIES = 3;

interface Scene {
  redis: Redis;
  stream: string;
  deadLetters: string;
  /** One retry pass; minIdleMs 0 because the tests do not want to wait for entries to age. */
  pass(handle: EntryHandler): Promise<RetryReport>;
}

/** A stream with one entry that worker-1 received and failed to process: its first delivery. */
async function scene(fields: Record<string, string>): Promise<Scene & { id: string }> {
  const ns = tempNamespace('dlq');
  const stream = `${ns}:orders`;
  const deadLetters = `${ns}:orders:dead`;
  const redis = connect();
  await createGroup(redis, stream, GROUP);
  const [id] = await addEntries(redis, stream, [fields]);
  await deliver(redis, stream, GROUP, 'worker-1', 1);
  const pass = (handle: EntryHandler): Promise<RetryReport> =>
    within(
      retryPending(redis, { stream, group: GROUP, consumer: 'retrier', minIdleMs: 0, maxDeliveries: MAX_DELIVERIES, deadLetterStream: deadLetters, handle }),
      3_000,
      'retryPending() finishing',
    );
  return { redis, stream, deadLetters, pass, id: id ?? '' };
}

const alwaysFails: EntryHandler = async () => {
  throw new Error('cannot process this order');
};

describe('moving an entry to a dead-letter stream after too many deliveries', () => {
  test(`a poison entry is handed out ${MAX_DELIVERIES} times in all, then dead-lettered instead of retried`, async () => {
    const s = await scene({ order: 'A-1' });
    let retries = 0;
    const handle: EntryHandler = async (entry) => {
      retries++;
      await alwaysFails(entry);
    };

    const reports: RetryReport[] = [];
    for (let pass = 0; pass < MAX_DELIVERIES + 1; pass++) reports.push(await s.pass(handle));

    expect(
      retries,
      `worker-1 had the 1st delivery, so retries may hand it out twice more; a 4th delivery would exceed maxDeliveries = ${MAX_DELIVERIES}`,
    ).toBe(MAX_DELIVERIES - 1);
    const deadIn = reports.findIndex((r) => r.deadLettered.includes(s.id));
    expect(deadIn, `the entry should be dead-lettered within ${MAX_DELIVERIES} passes`).toBeGreaterThanOrEqual(0);
    expect(deadIn, `the entry should be dead-lettered within ${MAX_DELIVERIES} passes`).toBeLessThan(MAX_DELIVERIES);
    expect(reports.slice(deadIn + 1), 'once dead-lettered, later passes have nothing to do').toEqual(
      reports.slice(deadIn + 1).map(() => ({ handled: [], failed: [], deadLettered: [] })),
    );
  });

  test('a dead-lettered entry is acknowledged, so it is dead-lettered exactly once', async () => {
    const s = await scene({ order: 'B-1' });
    for (let pass = 0; pass < MAX_DELIVERIES + 2; pass++) await s.pass(alwaysFails);

    expect(await pendingEntries(s.redis, s.stream, GROUP), 'after dead-lettering, the entry must leave the pending list').toEqual([]);
    expect(await readAll(s.redis, s.deadLetters), 'later passes must not dead-letter it again').toHaveLength(1);
  });

  test('the dead letter says where it came from and keeps the original fields exactly', async () => {
    const original = { orderId: '007', paid: 'true', note: 'null', items: '[{"sku":"ABC"}]' };
    const s = await scene(original);
    for (let pass = 0; pass < MAX_DELIVERIES; pass++) await s.pass(alwaysFails);

    const [dead] = await readAll(s.redis, s.deadLetters);
    expect(dead, 'one entry in the dead-letter stream').toBeDefined();
    expect(dead?.fields['original-id'], 'original-id').toBe(s.id);
    expect(dead?.fields.group, 'group').toBe(GROUP);
    expect(dead?.fields.deliveries, 'deliveries').toBe(String(MAX_DELIVERIES));
    expect(
      JSON.parse(dead?.fields.fields ?? 'null'),
      "the original fields, as strings: guessing types turns '007' into 7 and 'true' into true",
    ).toEqual(original);
  });

  test('one pass retries every idle pending entry, however many pages that takes', async () => {
    const s = await scene({ order: 'D-0' });
    const more = await addEntries(s.redis, s.stream, Array.from({ length: beyond(10) }, (_, i) => ({ order: `D-${i + 1}` })));
    await deliver(s.redis, s.stream, GROUP, 'worker-1', more.length);
    const seen: string[] = [];

    const report = await s.pass(async (entry) => void seen.push(entry.id));

    expect(report.handled, `all ${more.length + 1} idle entries in one pass, with the default count of 10 per XPENDING page`).toEqual([s.id, ...more]);
    expect(seen).toHaveLength(more.length + 1);
  });

  test('an entry that succeeds on a retry is acknowledged, not dead-lettered', async () => {
    const s = await scene({ order: 'C-1' });
    let attempts = 0;
    const flaky: EntryHandler = async () => {
      if (++attempts === 1) throw new Error('timeout talking to the payment service');
    };

    const first = await s.pass(flaky);
    const second = await s.pass(flaky);

    expect(first.failed, 'the first retry fails').toEqual([s.id]);
    expect(second.handled, 'the second retry succeeds').toEqual([s.id]);
    expect(await pendingEntries(s.redis, s.stream, GROUP), 'handled entries are acknowledged').toEqual([]);
    expect(await readAll(s.redis, s.deadLetters), 'nothing was dead-lettered').toEqual([]);
  });
});
