// Mistake: the guide's pitfall 3: sign-up publishes a send-email command on a broadcast channel, so every running mailer sends it and, while none runs, nobody does.
// Caught by: registering a user records the fact in the stream, with what any service needs and no instructions
// Caught by: with two mailer instances running, each new user gets exactly one welcome e-mail
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

/** Called by the sign-up code once a user exists. */
export async function registerUser(redis: Redis, topic: string, user: User): Promise<void> {
  await redis.publish(
    `${topic}:commands`,
    JSON.stringify({ command: 'send-email', to: user.email, subject: 'Welcome aboard!', template: 'welcome', userId: user.id }),
  );
}

/** One instance of the e-mail service: every new user gets one welcome e-mail. */
export async function startWelcomeMailer(url: string, topic: string, instance: string, send: (mail: WelcomeMail) => Promise<void>): Promise<Mailer> {
  const subscriber = new Redis(url);
  subscriber.on('message', (_channel: string, raw: string) => {
    const command = JSON.parse(raw) as { command: string; to: string; userId: string };
    if (command.command === 'send-email') void send({ to: command.to, userId: command.userId, template: 'welcome' });
  });
  await subscriber.subscribe(`${topic}:commands`);
  return {
    async close() {
      await subscriber.quit();
    },
  };
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
