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
  // TODO: this publishes a command: the sign-up code decides that an e-mail goes out, with which
  // template and subject, and sends that order over a broadcast channel. Every instance of the
  // e-mail service that is subscribed carries it out, and if none is, nobody does. Record the fact
  // instead (a user.created event), in the stream named `topic`, and let services decide.
  await redis.publish(
    `${topic}:commands`,
    JSON.stringify({ command: 'send-email', to: user.email, subject: 'Welcome aboard!', template: 'welcome', userId: user.id }),
  );
}

/** One instance of the e-mail service: every new user gets one welcome e-mail. */
export async function startWelcomeMailer(url: string, topic: string, instance: string, send: (mail: WelcomeMail) => Promise<void>): Promise<Mailer> {
  // TODO: every instance executes every command it hears, and hears nothing while it is down.
  // React to user.created events instead, reading them as one consumer group shared by all the
  // instances (consumeGroup below does the reading), with `instance` as the consumer name.
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
