// Mistake: returns a queue once per matching binding, so a queue bound with two matching patterns gets the message twice.
// Caught by: a queue gets one copy of a message, however many of its bindings match
/**
 * AMQP topic-exchange matching. A routing key is a list of words separated by dots; in a binding
 * pattern `*` stands for exactly one word and `#` for zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  // Word by word, with no regular expression: no character of a name can mean anything but itself,
  // and a wildcard is only a wildcard when it is a whole word.
  const words = routingKey.split('.');
  // consumed[j]: the pattern words seen so far can match exactly the first j words of the key.
  // Walking the pattern once keeps this linear in both lengths, however many '#' the pattern has
  // (a recursive matcher tries every split for every '#', which grows exponentially).
  let consumed = new Array<boolean>(words.length + 1).fill(false);
  consumed[0] = true;
  for (const part of pattern.split('.')) {
    const next = new Array<boolean>(words.length + 1).fill(false);
    if (part === '#') {
      // Zero or more words: from any reachable point, any later point is reachable too.
      let reachable = false;
      for (let j = 0; j <= words.length; j++) {
        reachable ||= consumed[j] === true;
        next[j] = reachable;
      }
    } else {
      for (let j = 1; j <= words.length; j++) {
        next[j] = consumed[j - 1] === true && (part === '*' || part === words[j - 1]);
      }
    }
    consumed = next;
  }
  return consumed[words.length] === true;
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
      return bindings.filter(({ pattern }) => topicMatches(pattern, routingKey)).map(({ queue }) => queue);
    },
  };
}
