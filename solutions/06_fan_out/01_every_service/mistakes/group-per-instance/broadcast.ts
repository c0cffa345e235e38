// Mistake: names the consumer group after the instance, so each instance of a service gets every message and billing charges twice.
// Caught by: the instances of one service share its messages: each message is handled by exactly one of them
import { Redis } from 'ioredis';

export type Handler = (message: string) => void | Promise<void>;

/** One running copy of a service: `instance` names this copy, `service` the service it belongs to. */
export interface Member {
  service: string;
  instance: string;
}

export interface Subscription {
  /** Stops this instance receiving and closes its connections; its service keeps its place. */
  close(): Promise<void>;
}

export interface Broadcast {
  /** Sends one message to every service. */
  publish(message: string): Promise<void>;
  /** Resolves once every message published afterwards is sure to reach this member's service. */
  subscribe(member: Member, handler: Handler): Promise<Subscription>;
  /** Closes every subscription and every connection this broadcast opened. */
  close(): Promise<void>;
}

type ReadReply = Array<[stream: string, entries: Array<[id: string, fields: string[]]>]> | null;

export function createBroadcast(url: string, stream: string): Broadcast {
  // The stream keeps every message; each service is a consumer group with its own position in it,
  // so a service that is down catches up when it returns, and the instances of one service share
  // the group's messages instead of each getting all of them.
  const commands = new Redis(url);
  const subscriptions = new Set<Subscription>();

  async function joinGroup(service: string): Promise<void> {
    try {
      // '$': a service that has never subscribed starts with the messages published from now on.
      await commands.xgroup('CREATE', stream, service, '$', 'MKSTREAM');
    } catch (error) {
      // The service subscribed before: keep its position, or it would skip what it missed.
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
  }

  function consume(member: Member, handler: Handler): Subscription {
    // A blocked XREADGROUP holds its connection, so each instance reads on a connection of its own.
    const reader = new Redis(url);
    let running = true;

    async function loop(): Promise<void> {
      // First whatever this instance was handed before a restart and never acknowledged (read from
      // id 0 onwards, batch by batch), then new messages ('>').
      let pendingAfter: string | null = '0';
      while (running) {
        let reply: ReadReply;
        try {
          reply = (pendingAfter === null
            ? await reader.xreadgroup('GROUP', member.instance, member.instance, 'COUNT', 10, 'BLOCK', 5_000, 'STREAMS', stream, '>')
            : await reader.xreadgroup('GROUP', member.instance, member.instance, 'COUNT', 10, 'STREAMS', stream, pendingAfter)) as ReadReply;
        } catch {
          if (!running) return; // close() cut the blocked read short
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        const entries = reply?.[0]?.[1] ?? [];
        if (pendingAfter !== null) pendingAfter = entries.at(-1)?.[0] ?? null;
        for (const [id, fields] of entries) {
          try {
            await handler(field(fields, 'message'));
          } catch {
            // Not acknowledged: it stays pending for this service, to be retried or claimed.
            continue;
          }
          await commands.xack(stream, member.instance, id);
        }
      }
    }

    const finished = loop();
    const subscription: Subscription = {
      async close() {
        if (!running) return;
        running = false;
        subscriptions.delete(subscription);
        reader.disconnect();
        await finished;
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    async publish(message) {
      await commands.xadd(stream, '*', 'message', message);
    },

    async subscribe(member, handler) {
      await joinGroup(member.instance);
      return consume(member, handler);
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      await commands.quit();
    },
  };
}

function field(flat: string[], name: string): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1] as string;
  return '';
}
