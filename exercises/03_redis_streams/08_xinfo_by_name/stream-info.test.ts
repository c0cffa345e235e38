import { describe, expect, test } from 'vitest';
import { connect } from '#testing/redis';
import { addEntries, createGroup, deliver, numbered, tempNamespace } from '#testing/streams';
import { describeStream } from './stream-info.ts';

function streamName(): string {
  return `${tempNamespace('xinfo')}:orders`;
}

describe('describeStream() reads XINFO by field name', () => {
  test('length, first and last entry of a stream', async () => {
    const stream = streamName();
    const redis = connect();
    const ids = await addEntries(redis, stream, numbered(3));

    const summary = await describeStream(redis, stream);

    expect(summary).toEqual({ length: 3, firstEntryId: ids[0], lastEntryId: ids[2], lastGeneratedId: ids[2], groups: [] });
  });

  test('after the newest entry is deleted, the last entry and the last generated id differ', async () => {
    const stream = streamName();
    const redis = connect();
    const ids = await addEntries(redis, stream, numbered(3));
    await redis.xdel(stream, ids[2] ?? '');

    const summary = await describeStream(redis, stream);

    expect(summary.length).toBe(2);
    expect(summary.lastEntryId, 'the newest entry still in the stream (from last-entry)').toBe(ids[1]);
    expect(summary.lastGeneratedId, 'the last id Redis handed out, deleted or not (last-generated-id)').toBe(ids[2]);
  });

  test('an empty stream has no first or last entry', async () => {
    const stream = streamName();
    const redis = connect();
    await createGroup(redis, stream, 'billing');

    const summary = await describeStream(redis, stream);

    expect(summary.length).toBe(0);
    expect(summary.firstEntryId, 'first-entry is nil for an empty stream').toBeNull();
    expect(summary.lastEntryId, 'last-entry is nil for an empty stream').toBeNull();
    expect(summary.lastGeneratedId).toBe('0-0');
  });

  test('each group with its consumers, pending entries, position and lag', async () => {
    const stream = streamName();
    const redis = connect();
    const ids = await addEntries(redis, stream, numbered(5));
    await createGroup(redis, stream, 'billing');
    await createGroup(redis, stream, 'audit');
    const delivered = await deliver(redis, stream, 'billing', 'worker-1', 3);
    await deliver(redis, stream, 'billing', 'worker-2', 1);
    await redis.xack(stream, 'billing', delivered[0]?.id ?? '');

    const summary = await describeStream(redis, stream);

    const byName = Object.fromEntries(summary.groups.map((g) => [g.name, g]));
    expect(byName.billing, 'billing: 2 consumers, 4 entries delivered, 1 acknowledged, 1 not given out yet').toEqual({
      name: 'billing',
      consumers: 2,
      pending: 3,
      lastDeliveredId: ids[3],
      lag: 1,
    });
    expect(byName.audit, 'audit has read nothing: all 5 entries are its lag').toEqual({
      name: 'audit',
      consumers: 0,
      pending: 0,
      lastDeliveredId: '0-0',
      lag: 5,
    });
  });

  test('a lag Redis cannot compute is null, not 0', async () => {
    const stream = streamName();
    const redis = connect();
    const ids = await addEntries(redis, stream, numbered(5));
    // A group created at an id in the middle: Redis does not know how many entries lie before it.
    await createGroup(redis, stream, 'replay', ids[1]);

    const summary = await describeStream(redis, stream);

    expect(summary.groups).toHaveLength(1);
    expect(summary.groups[0]?.lag, 'XINFO GROUPS answers lag = nil here; 0 would claim the group is caught up').toBeNull();
  });

  test('a stream that does not exist gives a clear error', async () => {
    const stream = streamName();

    const error = await describeStream(connect(), stream).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error, 'describeStream() must reject').toBeInstanceOf(Error);
    expect((error as Error).message, 'the error names the stream').toContain(stream);
    expect((error as Error).message, 'the error says what is wrong').toMatch(/does not exist/i);
  });
});
