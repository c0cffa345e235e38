import { describe, expect, test } from 'vitest';
import { connect } from '#testing/redis';
import { addEntries, deliver, groupInfo, numbered, pendingEntries, tempNamespace } from '#testing/streams';
import { ensureGroup } from './groups.ts';

/** What a consumer of the group gets when it asks for new entries ('>'). */
async function readAsNewConsumer(stream: string, group: string): Promise<string[]> {
  return (await deliver(connect(), stream, group, 'probe', 100)).map((e) => e.fields.n ?? '?');
}

describe('ensureGroup()', () => {
  test('creates the stream and the group when neither exists yet', async () => {
    const stream = `${tempNamespace('groups')}:orders`;
    const redis = connect();

    const outcome = await ensureGroup(redis, stream, 'billing', 'new-only');

    expect(outcome).toBe('created');
    expect(await redis.type(stream), 'the stream should exist (XGROUP CREATE ... MKSTREAM)').toBe('stream');
    expect((await groupInfo(redis, stream, 'billing')).name).toBe('billing');
  });

  test("a group starting from the 'beginning' reads the entries added before it existed", async () => {
    const stream = `${tempNamespace('groups')}:orders`;
    const redis = connect();
    await addEntries(redis, stream, numbered(3));

    await ensureGroup(redis, stream, 'audit', 'beginning');
    await addEntries(redis, stream, numbered(1, 4));

    expect(await readAsNewConsumer(stream, 'audit'), "a group created from '0' sees the backlog, then new entries").toEqual(['1', '2', '3', '4']);
  });

  test("a 'new-only' group reads only entries added after it was created", async () => {
    const stream = `${tempNamespace('groups')}:orders`;
    const redis = connect();
    await addEntries(redis, stream, numbered(3));

    await ensureGroup(redis, stream, 'notifications', 'new-only');
    await addEntries(redis, stream, numbered(1, 4));

    expect(await readAsNewConsumer(stream, 'notifications'), "a group created from '$' starts after the last entry").toEqual(['4']);
  });

  test('calling it again answers "exists" and leaves the group where it was, pending entries and all', async () => {
    const stream = `${tempNamespace('groups')}:orders`;
    const redis = connect();
    await addEntries(redis, stream, numbered(3));
    await ensureGroup(redis, stream, 'billing', 'beginning');
    const [first, second] = await deliver(redis, stream, 'billing', 'worker-1', 2);
    await redis.xack(stream, 'billing', first?.id ?? '');

    const outcome = await ensureGroup(redis, stream, 'billing', 'beginning');

    expect(outcome, 'the group was already there').toBe('exists');
    const info = await groupInfo(redis, stream, 'billing');
    expect(info['last-delivered-id'], 'the group must not be rewound: everything it delivered would be delivered again').toBe(second?.id);
    expect((await pendingEntries(redis, stream, 'billing')).map((p) => p.id), 'the pending list must survive').toEqual([second?.id]);
    expect(await readAsNewConsumer(stream, 'billing'), 'the group continues where it was').toEqual(['3']);
  });

  test('many instances starting at the same moment all succeed, and exactly one creates the group', async () => {
    const stream = `${tempNamespace('groups')}:orders`;
    const instances = Array.from({ length: 5 }, () => connect());

    const outcomes = await Promise.all(instances.map((redis) => ensureGroup(redis, stream, 'billing', 'beginning')));

    expect(outcomes.filter((o) => o === 'created'), 'one instance creates the group').toHaveLength(1);
    expect(outcomes.filter((o) => o === 'exists'), 'the others find it').toHaveLength(4);
  });

  test('a key that is not a stream is an error that says so, not "exists"', async () => {
    const key = `${tempNamespace('groups')}:orders`;
    const redis = connect();
    await redis.set(key, 'I am a string');

    const error = await ensureGroup(redis, key, 'billing', 'beginning').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error, 'ensureGroup() must reject: swallowing every error hides a real problem').toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message, 'the error names the key').toContain(key);
    expect(message, 'the error says what is wrong').toMatch(/not a stream/i);
  });
});
