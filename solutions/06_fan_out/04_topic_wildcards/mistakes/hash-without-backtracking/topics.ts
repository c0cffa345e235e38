// Mistake: lets `#` skip words only up to the first occurrence of the next pattern word and never backtracks, so `a.#.b.c` misses `a.b.x.b.c`.
// Caught by: "a.#.b.c" matches "a.b.x.b.c"
/**
 * AMQP topic-exchange matching. A routing key is a list of words separated by dots; in a binding
 * pattern `*` stands for exactly one word and `#` for zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const parts = pattern.split('.');
  const words = routingKey.split('.');
  let w = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part === '#') {
      // Skip words up to the first one the next pattern word matches (or to the end).
      const next = parts[p + 1];
      if (next === undefined) return true;
      while (w < words.length && next !== '*' && words[w] !== next) w++;
      continue;
    }
    if (w >= words.length) return false;
    if (part !== '*' && part !== words[w]) return false;
    w++;
  }
  return w === words.length;
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
