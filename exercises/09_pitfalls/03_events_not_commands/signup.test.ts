import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { connect, redisUrl } from '#testing/redis';
import { readAll, tempNamespace, toRecord } from '#testing/streams';
import { Inbox, until, within } from '#testing/wait';
import { registerUser, startWelcomeMailer, type Mailer, type User, type WelcomeMail } from './signup.ts';

const user = (n: number): User => ({ id: `u-${n}`, email: `user${n}@example.com`, name: `User ${n}` });

async function mailer(topic: string, instance: string, mails: Inbox<WelcomeMail>, cleanup: (fn: () => Promise<void>) => void): Promise<Mailer> {
  const started = await startWelcomeMailer(redisUrl(), topic, instance, async (mail) => mails.push(mail));
  cleanup(() => within(started.close(), 5_000, `mailer ${instance} closing`));
  return started;
}

/**
 * True once every consumer group of the stream has read everything and acknowledged it: then no
 * instance has an e-mail left to send. (No stream at all: nothing can be in progress on it.)
 */
async function drained(redis: Redis, topic: string): Promise<boolean> {
  const groups = (await redis.xinfo('GROUPS', topic).catch(() => [])) as unknown[][];
  return groups.every((flat) => {
    const group = toRecord(flat.map(String));
    return group.pending === '0' && group.lag === '0';
  });
}

describe('sign-up publishes what happened; the e-mail service decides what to do', () => {
  test('registering a user records the fact in the stream, with what any service needs and no instructions', async () => {
    const redis = connect();
    const topic = `${tempNamespace('pitfalls')}:users`;

    await registerUser(redis, topic, user(1));

    const entries = await readAll(redis, topic);
    expect(entries.length, `entries in the stream ${topic}`).toBe(1);
    expect(entries[0]?.fields.type, 'the entry’s `type` field').toBe('user.created');
    const event = JSON.parse(entries[0]?.fields.data ?? '{}') as Record<string, unknown>;
    expect(event, 'the event in the entry’s `data` field').toMatchObject({ type: 'user.created', userId: 'u-1', email: 'user1@example.com', name: 'User 1' });
    expect(typeof event.eventId === 'string' && event.eventId.length > 0, 'the event has an eventId, so that consumers can spot a redelivery').toBe(true);
    expect(Number.isNaN(Date.parse(String(event.occurredAt))), 'occurredAt is an ISO date').toBe(false);
    const instructions = ['command', 'to', 'subject', 'template'].filter((key) => key in event);
    expect(instructions, 'what to send, and how, is the e-mail service’s decision, not part of the fact').toEqual([]);
  });

  test('with two mailer instances running, each new user gets exactly one welcome e-mail', async ({ onTestFinished }) => {
    const redis = connect();
    const topic = `${tempNamespace('pitfalls')}:users`;
    const mails = new Inbox<WelcomeMail>();
    await mailer(topic, 'mailer-1', mails, onTestFinished);
    await mailer(topic, 'mailer-2', mails, onTestFinished);

    for (const n of [1, 2, 3, 4, 5, 6]) await registerUser(redis, topic, user(n));

    await mails.waitFor(6, 5_000, 'six welcome e-mails for six new users');
    await until(() => drained(redis, topic), 'every mailer finishing the work it took', 5_000);
    const perUser = [1, 2, 3, 4, 5, 6].map((n) => mails.items.filter((m) => m.userId === `u-${n}`).length);
    expect(perUser, 'welcome e-mails per user with two instances running (2: each instance reads every event — the instances of one service must share one consumer group)').toEqual([1, 1, 1, 1, 1, 1]);
    expect(mails.items.find((m) => m.userId === 'u-1'), 'the e-mail goes to the user’s address').toEqual({ to: 'user1@example.com', userId: 'u-1', template: 'welcome' });
  });

  test('users who sign up while every mailer is down are welcomed by the next one to start', async ({ onTestFinished }) => {
    const redis = connect();
    const topic = `${tempNamespace('pitfalls')}:users`;
    const mails = new Inbox<WelcomeMail>();
    const first = await startWelcomeMailer(redisUrl(), topic, 'mailer-1', async (mail) => mails.push(mail));
    await within(first.close(), 5_000, 'the mailer shutting down for a deploy');

    for (const n of [7, 8, 9]) await registerUser(redis, topic, user(n));
    await mailer(topic, 'mailer-1', mails, onTestFinished);

    await mails.waitFor(3, 5_000, 'the restarted mailer welcoming the three users who signed up while it was down');
    expect(mails.items.map((m) => m.userId).sort()).toEqual(['u-7', 'u-8', 'u-9']);
  });

  test('another service reacts to the same event without any change to sign-up or to the mailer', async ({ onTestFinished }) => {
    const redis = connect();
    const topic = `${tempNamespace('pitfalls')}:users`;
    const mails = new Inbox<WelcomeMail>();
    await mailer(topic, 'mailer-1', mails, onTestFinished);
    // A CRM service, added later, with a consumer group of its own.
    await redis.xgroup('CREATE', topic, 'crm', '0', 'MKSTREAM').catch(() => undefined);

    await registerUser(redis, topic, user(10));
    await registerUser(redis, topic, user(11));

    await mails.waitFor(2, 5_000, 'the mailer welcoming both users');
    const reply = (await redis.xreadgroup('GROUP', 'crm', 'crm-1', 'COUNT', 10, 'STREAMS', topic, '>')) as Array<[string, Array<[string, string[]]>]> | null;
    const seen = (reply?.[0]?.[1] ?? []).map(([, flat]) => JSON.parse(toRecord(flat).data ?? '{}') as { type: string; userId: string });
    expect(seen.map((e) => [e.type, e.userId]), 'what the CRM reads: the mailer took nothing away from it').toEqual([
      ['user.created', 'u-10'],
      ['user.created', 'u-11'],
    ]);
  });
});
