// Mistake: unsubscribes by splicing the array publish() is iterating, so the handler after one that unsubscribes itself is skipped for that event.
// Caught by: a handler that unsubscribes itself does not make the next one miss the event
/**
 * Resolves to `true` to let the event continue to the next handler. Anything else stops it here:
 * `false`, and also a value that is not a boolean at all (a handler in plain JavaScript that forgot
 * to return), because a handler that can veto an event must approve it explicitly.
 */
export type PriorityHandler<T> = (event: T) => Promise<boolean>;

export interface PublishResult {
  /** The handlers that were called for this event, in the order they were called. */
  ran: string[];
  /** The handler that stopped the event (by not returning true, or by throwing), or null. */
  stoppedBy: string | null;
  /** The handler that threw, and what it threw, or null. */
  failure: { handler: string; error: unknown } | null;
}

export interface PriorityFanOut<T> {
  /** Lower numbers run first; equal priorities run in the order they subscribed. Returns an unsubscribe function. */
  subscribe(name: string, priority: number, handler: PriorityHandler<T>): () => void;
  /** Calls the handlers one at a time, in priority order, until one stops the event. */
  publish(event: T): Promise<PublishResult>;
}

interface Subscription<T> {
  name: string;
  priority: number;
  handler: PriorityHandler<T>;
}

export function createPriorityFanOut<T>(): PriorityFanOut<T> {
  // Never changed in place: subscribe and unsubscribe replace the array, so a publish() that is
  // walking the old one cannot have a handler skipped or visited twice under it.
  const subscriptions: Array<Subscription<T>> = [];

  return {
    subscribe(name, priority, handler) {
      const subscription: Subscription<T> = { name, priority, handler };
      // Sorting is stable (ES2019): equal priorities keep the order they subscribed in.
      subscriptions.push(subscription);
      subscriptions.sort((a, b) => a.priority - b.priority);
      return () => {
        const index = subscriptions.indexOf(subscription);
        if (index >= 0) subscriptions.splice(index, 1);
      };
    },

    async publish(event) {
      const ran: string[] = [];
      // The handlers subscribed when the event was published; one subscribed meanwhile waits for the next event.
      for (const subscription of subscriptions) {
        // Unsubscribed by a handler that ran before it for this same event.
        if (!subscriptions.includes(subscription)) continue;
        ran.push(subscription.name);
        let approved: unknown;
        try {
          approved = await subscription.handler(event);
        } catch (error) {
          // Fail closed: a handler that can veto the event and crashes has not let it through.
          return { ran, stoppedBy: subscription.name, failure: { handler: subscription.name, error } };
        }
        // Only an explicit true lets the event on; `undefined` from a forgotten return does not.
        if (approved !== true) return { ran, stoppedBy: subscription.name, failure: null };
      }
      return { ran, stoppedBy: null, failure: null };
    },
  };
}
