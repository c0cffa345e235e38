// Mistake: escapes names and treats wildcards word by word, but translates `#` to `.+` (one or more), so `orders.#` misses `orders` and `a.#.b` misses `a.b`.
// Caught by: "orders.#" matches "orders"
// Caught by: "a.#.b" matches "a.b"
/**
 * AMQP topic-exchange matching. A routing key is a list of words separated by dots; in a binding
 * pattern `*` stands for exactly one word and `#` for zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const words = pattern.split('.').map((word) => {
    if (word === '*') return '[^.]+';
    if (word === '#') return '.+';
    return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${words.join('\\.')}$`).test(routingKey);
}

export interface TopicExchange {
  /** Binds a queue with a pattern; binding the same pair twice changes nothing. */
  bind(queue: string, pattern: string): void;
  unbind(queue: string, pattern: string): void;
  /** The queues a message with this routing key goes to: each once, in the order they were first bound. */
  route(routingKey: string): string[];
}

interface Binding {
  queue: string;
  pattern: string;
}

export function createTopicExchange(): TopicExchange {
  let bindings: Binding[] = [];

  return {
    bind(queue, pattern) {
      if (bindings.some((b) => b.queue === queue && b.pattern === pattern)) return;
      bindings = [...bindings, { queue, pattern }];
    },
    unbind(queue, pattern) {
      bindings = bindings.filter((b) => b.queue !== queue || b.pattern !== pattern);
    },
    route(routingKey) {
      // A queue gets one copy of a message however many of its bindings match, as in AMQP.
      const queues = new Set<string>();
      for (const { queue, pattern } of bindings) {
        if (!queues.has(queue) && topicMatches(pattern, routingKey)) queues.add(queue);
      }
      return [...queues];
    },
  };
}
