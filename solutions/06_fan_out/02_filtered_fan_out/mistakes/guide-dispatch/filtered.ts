// Mistake: the guide's FilteredFanOut: filters run unguarded and `handler(event).catch()` cannot catch a handler that throws before returning a promise, so one subscriber's exception keeps the event from the rest; failures are only logged.
// Caught by: a handler that throws before returning a promise does not keep the event from the subscribers after it
import { Redis } from 'ioredis';

export interface FanOutEvent {
  type: string;
  data: Record<string, unknown>;
}

export type Filter = (event: FanOutEvent) => boolean;
export type Handler = (event: FanOutEvent) => Promise<void>;

export interface Failure {
  /** The name the subscriber was registered with. */
  subscriber: string;
  /** Whether its filter or its handler failed. */
  stage: 'filter' | 'handler';
  event: FanOutEvent;
  error: unknown;
}

export interface FanOutOptions {
  /** The Redis channel every process publishes to and subscribes on. */
  channel: string;
  /** Told about every filter or handler of this process that threw or rejected. */
  onError: (failure: Failure) => void;
}

export interface FilteredFanOut {
  /** Resolves once Redis has confirmed the subscription to the channel. */
  ready: Promise<void>;
  /** Sends the event to every process on the channel; each hands it to its matching subscribers. */
  publish(event: FanOutEvent): Promise<void>;
  /** Registers a subscriber in this process; returns a function that removes it. */
  subscribe(name: string, filter: Filter, handler: Handler): () => void;
  close(): Promise<void>;
}

interface Subscriber {
  name: string;
  filter: Filter;
  handler: Handler;
}

export function createFilteredFanOut(url: string, options: FanOutOptions): FilteredFanOut {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  let subscribers: Subscriber[] = [];

  // The guide's FilteredFanOut.publish, run for each event that arrives from Redis.
  async function dispatch(event: FanOutEvent): Promise<void> {
    const matching = subscribers.filter((s) => s.filter(event));
    await Promise.all(
      matching.map((s) =>
        s.handler(event).catch((error: unknown) => {
          console.error('Handler error:', error);
        }),
      ),
    );
  }

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    void dispatch(JSON.parse(message) as FanOutEvent);
  });

  return {
    ready: subscriber.subscribe(options.channel).then(() => undefined),
    async publish(event) {
      await publisher.publish(options.channel, JSON.stringify(event));
    },
    subscribe(name, filter, handler) {
      const entry: Subscriber = { name, filter, handler };
      subscribers = [...subscribers, entry];
      return () => {
        subscribers = subscribers.filter((s) => s !== entry);
      };
    },
    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
