// Mistake: gives each mailer instance a consumer group of its own, so every instance reads every event and each user gets one welcome e-mail per instance.
// Caught by: with two mailer instances running, each new user gets exactly one welcome e-mail
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface User {
  id: string;
  email: string;
  name: string;
}

/** What the e-mail service sends; how it looks is the e-mail service's business. */
export interface WelcomeMail {
  to: string;
  userId: string;
  template: 'welcome';
}

export interface Mailer {
  close(): Promise<void>;
}

/** The fact, as every service reads it: what happened and to whom, nothing about what to do next. */
export interface UserCreated {
  type: 'user.created';
  eventId: string;
  occurredAt: string;
  userId: string;
  email: string;
  name: string;
}

/** Called by the sign-up code once a user exists. */
export async function registerUser(redis: Redis, topic: string, user: User): Promise<void> {
  const event: UserCreated = { type: 'user.created', eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: user.id, email: user.email, name: user.name };
  // A stream keeps the fact for services that are down right now; the cap keeps it from growing forever.
  await redis.xadd(topic, 'MAXLEN', '~', 100_000, '*', 'type', event.type, 'data', JSON.stringify(event));
}

/** One instance of the e-mail service: every new user gets one welcome e-mail. */
export async function startWelcomeMailer(url: string, topic: string, instance: string, send: (mail: WelcomeMail) => Promise<void>): Promise<Mailer> {
  // One group for the whole service: its instances share the events, so each is handled once,
  // however many instances run. The decision to send a welcome e-mail lives here, not in sign-up.
  return consumeGroup(url, {
    stream: topic,
    group: `welcome-mailer-${instance}`,
    consumer: instance,
    handle: async (fields) => {
      if (fields.type !== 'user.created') return;
      const event = JSON.parse(fields.data ?? '{}') as UserCreated;
      await send({ to: event.email, userId: event.userId, template: 'welcome' });
    },
  });
}

// ── Given: a consumer-group reader (you have built one in the Redis Streams track). ────────────

export interface GroupReader {
  close(): Promise<void>;
}

/**
 * Reads `stream` as consumer `consumer` of `group` (created at the start of the stream if it does
 * not exist yet): every entry goes to one consumer of the group, which acknowledges it once
 * `handle` has resolved. A handler that throws leaves its entry pending, for a retry.
 */
export async function consumeGroup(
  url: string,
  options: { stream: string; group: string; consumer: string; handle: (fields: Record<string, string>) => Promise<void> },
): Promise<GroupReader> {
  const reader = new Redis(url);
  reader.on('error', () => {});
  await reader.xgroup('CREATE', options.stream, options.group, '0', 'MKSTREAM').catch((error: unknown) => {
    if (!String(error).includes('BUSYGROUP')) throw error;
  });
  let running = true;
  const loop = (async () => {
    while (running) {
      const reply = (await reader
        .xreadgroup('GROUP', options.group, options.consumer, 'COUNT', 10, 'BLOCK', 200, 'STREAMS', options.stream, '>')
        .catch(() => null)) as Array<[string, Array<[string, string[]]>]> | null;
      for (const [id, flat] of reply?.[0]?.[1] ?? []) {
        const fields: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
        try {
          await options.handle(fields);
          await reader.xack(options.stream, options.group, id);
        } catch {
          // Left pending: XAUTOCLAIM (or a restart that reads its pending entries) retries it.
        }
      }
    }
  })();
  return {
    async close() {
      running = false;
      await loop;
      await reader.quit();
    },
  };
}
