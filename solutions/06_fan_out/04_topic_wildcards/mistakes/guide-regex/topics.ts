// Mistake: the guide's matchesTopic: a regex where `#` must match at least a dot, `*` is a wildcard inside a word, and regex characters in names keep their meaning.
// Caught by: "orders.#" matches "orders"
// Caught by: "prices.(usd|eur)" does not match "prices.usd"
/**
 * AMQP topic-exchange matching. A routing key is a list of words separated by dots; in a binding
 * pattern `*` stands for exactly one word and `#` for zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const regex = pattern
    .replace(/\./g, '\\.')
    .replace(/\*/g, '[^.]+')
    .replace(/#/g, '.*');
  return new RegExp(`^${regex}$`).test(routingKey);
}

export interface TopicExchange {
  /** Binds a queue with a pattern; binding the same pair twice changes nothing. */
  bind(queue: string, pattern: string): void;
  unbind(queue: string, pattern: string): void;
  /** The queues a message with this routing key goes to: each once, in the order they were first bound. */
  route(routingKey: string): string[];
}

export function createTopicExchange(): TopicExchange {
  const queuesByPattern = new Map<string, Set<string>>();

  return {
    bind(queue, pattern) {
      const queues = queuesByPattern.get(pattern) ?? new Set<string>();
      queues.add(queue);
      queuesByPattern.set(pattern, queues);
    },
    unbind(queue, pattern) {
      queuesByPattern.get(pattern)?.delete(queue);
    },
    route(routingKey) {
      // TODO: a queue bound with two patterns that both match gets the message twice.
      const matched: string[] = [];
      for (const [pattern, queues] of queuesByPattern) {
        if (topicMatches(pattern, routingKey)) matched.push(...queues);
      }
      return matched;
    },
  };
}
