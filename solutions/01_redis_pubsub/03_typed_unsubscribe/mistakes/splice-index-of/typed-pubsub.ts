// Mistake: unsubscribe splices its entry out by indexOf without checking it is still there; the second call finds -1 and splice(-1, 1) removes someone else's subscription.
// Caught by: calling an unsubscribe function twice does not end another subscription
import { Redis } from 'ioredis';

export type Handler<T> = (data: T) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export interface TypedPubSubOptions {
  /** Told about messages that could not be parsed and handlers that threw. */
  onError?: (error: unknown, channel: string) => void;
}

/** One subscribe() call. An object per call, so the same function subscribed twice is two entries. */
interface Subscription {
  deliver: (data: unknown) => void | Promise<void>;
}

export class TypedPubSub<Events extends Record<string, unknown>> {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly subscriptions = new Map<string, Subscription[]>();

  constructor(url: string, private readonly options: TypedPubSubOptions = {}) {
    this.publisher = new Redis(url);
    this.subscriber = new Redis(url);
    this.subscriber.on('message', (channel: string, message: string) => {
      void this.dispatch(channel, message);
    });
  }

  async publish<K extends keyof Events & string>(channel: K, data: Events[K]): Promise<number> {
    return this.publisher.publish(channel, JSON.stringify(data));
  }

  async subscribe<K extends keyof Events & string>(channel: K, handler: Handler<Events[K]>): Promise<Unsubscribe> {
    // The channel's type promises the shape; JSON cannot check it, so this cast is the contract.
    const subscription: Subscription = { deliver: (data) => handler(data as Events[K]) };
    let entries = this.subscriptions.get(channel);
    if (!entries) {
      entries = [];
      this.subscriptions.set(channel, entries);
    }
    entries.push(subscription);
    // Even when the channel is already subscribed: SUBSCRIBE is idempotent, and awaiting it means
    // a concurrent first subscribe() has been confirmed too.
    await this.subscriber.subscribe(channel);

    return async () => {
      const current = this.subscriptions.get(channel);
      current?.splice(current.indexOf(subscription), 1);
      if (current?.length === 0) {
        this.subscriptions.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  private async dispatch(channel: string, message: string): Promise<void> {
    const entries = this.subscriptions.get(channel);
    if (!entries) return;
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch (error) {
      this.options.onError?.(error, channel);
      return;
    }
    // Each handler on its own: one that throws or rejects never stops the others.
    await Promise.all(
      [...entries].map(async (entry) => {
        try {
          await entry.deliver(data);
        } catch (error) {
          this.options.onError?.(error, channel);
        }
      }),
    );
  }
}
