// Mistake: the guide's SimpleFanOut: one PUBLISH reaches only the connections subscribed at that instant, so a service that is restarting misses it and two instances both handle it.
// Caught by: a service that was down receives what was published meanwhile
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

export function createBroadcast(url: string, stream: string): Broadcast {
  const publisher = new Redis(url);
  const subscriptions = new Set<Subscription>();

  return {
    async publish(message) {
      await publisher.publish(stream, message);
    },

    async subscribe(_member, handler) {
      const connection = new Redis(url);
      connection.on('message', (_channel: string, message: string) => {
        void handler(message);
      });
      await connection.subscribe(stream);
      const subscription: Subscription = {
        async close() {
          subscriptions.delete(subscription);
          await connection.quit();
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      await publisher.quit();
    },
  };
}
