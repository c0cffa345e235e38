import { describe, expect, test } from 'vitest';
import { createTopicExchange, topicMatches } from './topics.ts';

type Case = [pattern: string, routingKey: string, matches: boolean];

/** Runs each case as its own test, so a failure names the exact pattern and key. */
function cases(rows: Case[]): void {
  for (const [pattern, routingKey, matches] of rows) {
    test(`"${pattern}" ${matches ? 'matches' : 'does not match'} "${routingKey}"`, () => {
      let result: boolean;
      try {
        result = topicMatches(pattern, routingKey);
      } catch (error) {
        throw new Error(`topicMatches(${JSON.stringify(pattern)}, ${JSON.stringify(routingKey)}) threw: ${(error as Error).message}`);
      }
      expect(result, `topicMatches(${JSON.stringify(pattern)}, ${JSON.stringify(routingKey)})`).toBe(matches);
    });
  }
}

describe('topicMatches: AMQP topic patterns, word by word', () => {
  describe('a word without wildcards matches itself only', () => {
    cases([
      ['orders.created', 'orders.created', true],
      ['orders.created', 'orders.updated', false],
      ['orders.created', 'orders.created.eu', false],
      ['Orders.created', 'orders.created', false],
      ['a.b', 'aXb', false],
    ]);
  });

  describe('* is exactly one word', () => {
    cases([
      ['orders.*', 'orders.created', true],
      ['orders.*', 'orders', false],
      ['orders.*', 'orders.eu.created', false],
      ['*.created', 'orders.created', true],
      ['*.created', 'created', false],
      ['*', 'orders', true],
      ['*', 'orders.created', false],
      ['*.*', 'a.b', true],
      ['*.*', 'a', false],
      ['a.*.c', 'a.b.c', true],
      ['a.*.c', 'a.c', false],
    ]);
  });

  describe('# is zero or more words', () => {
    cases([
      ['orders.#', 'orders', true],
      ['orders.#', 'orders.created', true],
      ['orders.#', 'orders.eu.created', true],
      ['orders.#', 'orders2.created', false],
      ['#', 'orders', true],
      ['#', 'a.b.c.d', true],
      ['#.created', 'created', true],
      ['#.created', 'orders.eu.created', true],
      ['#.created', 'orders.created.late', false],
      ['a.#.b', 'a.b', true],
      ['a.#.b', 'a.x.b', true],
      ['a.#.b', 'a.x.y.b', true],
      ['a.#.b', 'a.b.c', false],
      ['a.#.b', 'a.x.y', false],
      ['#.a.#', 'a', true],
      ['#.a.#', 'x.a.y', true],
      ['#.a.#', 'x.b.y', false],
      ['#.#', 'a.b', true],
    ]);
  });

  describe('# tries every number of words, not just the first that fits', () => {
    // A matcher that lets # stop at the first word equal to the next pattern word, and never
    // goes back to try a longer stretch, gets these wrong.
    cases([
      ['a.#.b.c', 'a.b.x.b.c', true],
      ['#.b', 'b.b', true],
      ['#.a.b', 'a.a.b', true],
      ['a.#.*.c', 'a.x.c.c', true],
      ['a.#.b.c', 'a.b.x.b', false],
    ]);
  });

  describe('* and # together', () => {
    cases([
      ['*.#', 'a', true],
      ['*.#', 'a.b.c', true],
      ['#.*', 'a', true],
      ['a.*.#', 'a', false],
      ['a.*.#', 'a.b', true],
      ['a.*.#', 'a.b.c.d', true],
      ['a.#.*.c', 'a.b.c', true],
      ['a.#.*.c', 'a.c', false],
      ['*.*.#.*', 'a.b.c', true],
      ['*.*.#.*', 'a.b', false],
    ]);
  });

  describe('a wildcard is a wildcard only as a whole word', () => {
    cases([
      ['ord*.created', 'orders.created', false],
      ['ord*.created', 'ord*.created', true],
      ['orders.#x', 'orders.a.x', false],
      ['orders.#x', 'orders.#x', true],
    ]);
  });

  describe('every other character means itself, regex metacharacters included', () => {
    cases([
      ['logs.c++', 'logs.c++', true],
      ['logs.c++', 'logs.cc', false],
      ['prices.(usd|eur)', 'prices.usd', false],
      ['prices.(usd|eur)', 'prices.(usd|eur)', true],
      ['a|xyz', 'a.b', false],
      ['price.$', 'price.$', true],
      ['price.$', 'price.', false],
      ['tags.[new]', 'tags.[new]', true],
      ['tags.[new]', 'tags.n', false],
      ['^start.*', '^start.x', true],
      ['q?.*', 'q?.x', true],
      ['q?.*', 'q.x', false],
      ['a{2}.*', 'aa.x', false],
      ['a{2}.*', 'a{2}.x', true],
      ['back\\slash.*', 'back\\slash.x', true],
      ['dollar$.#', 'dollar$', true],
    ]);
  });
});

describe('a topic exchange routing by those patterns', () => {
  test('a message goes to every queue with a matching binding, in the order the queues were bound', () => {
    const exchange = createTopicExchange();
    exchange.bind('eu-orders', 'orders.eu.*');
    exchange.bind('archive', 'orders.#');
    exchange.bind('metrics', '#.created');
    exchange.bind('users', 'users.*');

    expect(exchange.route('orders.eu.created')).toEqual(['eu-orders', 'archive', 'metrics']);
    expect(exchange.route('orders'), '"orders.#" matches "orders": # may be zero words').toEqual(['archive']);
    expect(exchange.route('payments.refunded')).toEqual([]);
  });

  test('a queue gets one copy of a message, however many of its bindings match', () => {
    const exchange = createTopicExchange();
    exchange.bind('archive', 'orders.#');
    exchange.bind('audit', '#');
    exchange.bind('archive', '#.created');

    expect(exchange.route('orders.created'), 'archive is bound twice and both bindings match: still one copy').toEqual(['archive', 'audit']);
  });

  test('binding the same queue and pattern twice is one binding, and unbind removes it', () => {
    const exchange = createTopicExchange();
    exchange.bind('archive', 'orders.#');
    exchange.bind('archive', 'orders.#');
    exchange.bind('archive', '#.shipped');

    exchange.unbind('archive', 'orders.#');

    expect(exchange.route('orders.created'), 'the orders.# binding is gone').toEqual([]);
    expect(exchange.route('orders.shipped'), 'the other binding of the queue stays').toEqual(['archive']);
  });

  test('a binding whose pattern holds regex characters never breaks routing for the others', () => {
    const exchange = createTopicExchange();
    exchange.bind('cpp-logs', 'logs.c++');
    exchange.bind('all-logs', 'logs.#');

    expect(exchange.route('logs.java'), 'routing must not throw because of someone else\'s pattern').toEqual(['all-logs']);
    expect(exchange.route('logs.c++')).toEqual(['cpp-logs', 'all-logs']);
  });
});
