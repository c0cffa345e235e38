import { describe, expect, test } from 'vitest';
import { matchesFilterPolicy, type AttributeValue, type FilterPolicy, type FilterPolicyScope, type PublishedMessage } from './filter-policy.ts';

// Message attributes as a publisher sends them: the DataType says how SNS reads the value.
const text = (value: string): AttributeValue => ({ DataType: 'String', StringValue: value });
const number = (value: number | string): AttributeValue => ({ DataType: 'Number', StringValue: String(value) });
const array = (values: unknown[]): AttributeValue => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

const withAttributes = (attributes: Record<string, AttributeValue>): PublishedMessage => ({ body: '{}', attributes });
const withBody = (body: unknown, attributes?: Record<string, AttributeValue>): PublishedMessage => ({ body: JSON.stringify(body), attributes });

/** Asserts SNS's decision, naming the policy and the message when the function decides otherwise. */
function decides(policy: FilterPolicy, message: PublishedMessage, delivered: boolean, why: string, scope: FilterPolicyScope = 'MessageAttributes'): void {
  const shown = `${JSON.stringify(policy)} (${scope}) vs ${scope === 'MessageBody' ? message.body : JSON.stringify(message.attributes ?? {})}`;
  expect(matchesFilterPolicy(policy, message, scope), `${why}\n    ${shown}`).toBe(delivered);
}

describe('exact values', () => {
  test('a string matches the same string, case and all', () => {
    decides({ event: ['order_placed'] }, withAttributes({ event: text('order_placed') }), true, 'the value is in the list');
    decides({ event: ['order_placed'] }, withAttributes({ event: text('Order_Placed') }), false, 'string matching is case-sensitive');
  });

  test('the number 5 matches the Number 5 however it is written, never the String "5"', () => {
    decides({ quantity: [5] }, withAttributes({ quantity: number(5) }), true, 'a number rule matches a Number attribute with that value');
    decides({ quantity: [5] }, withAttributes({ quantity: number('5.0') }), true, '5.0 is the number 5');
    decides({ quantity: [301.5] }, withAttributes({ quantity: number('3.015e2') }), true, '3.015e2 is the number 301.5');
    decides({ quantity: [5] }, withAttributes({ quantity: text('5') }), false, 'a String attribute "5" is text, not a number');
  });

  test('the string "5" matches the String "5", never the Number 5', () => {
    decides({ quantity: ['5'] }, withAttributes({ quantity: text('5') }), true, 'same text');
    decides({ quantity: ['5'] }, withAttributes({ quantity: number(5) }), false, 'a quoted "5" in the policy only matches text');
  });

  test('a String.Array attribute matches when any of its elements does', () => {
    decides({ interests: ['rugby'] }, withAttributes({ interests: array(['soccer', 'rugby']) }), true, '"rugby" is one of the elements');
    decides({ interests: ['rugby'] }, withAttributes({ interests: array(['baseball']) }), false, 'no element is "rugby"');
    decides({ scores: [7] }, withAttributes({ scores: array([3, 7]) }), true, 'numbers in a String.Array are numbers');
  });

  test('a message without the attribute does not match a value', () => {
    decides({ event: ['order_placed'] }, withAttributes({ other: text('order_placed') }), false, 'the policy names "event", which the message does not have');
  });
});

describe('OR within a key, AND across keys', () => {
  test('any one of a key\'s rules is enough', () => {
    const policy: FilterPolicy = { sport: ['rugby', { prefix: 'bas' }] };
    decides(policy, withAttributes({ sport: text('rugby') }), true, 'the first rule matches');
    decides(policy, withAttributes({ sport: text('basketball') }), true, 'the second rule matches');
    decides(policy, withAttributes({ sport: text('tennis') }), false, 'neither rule matches');
  });

  test('every key of the policy must match', () => {
    const policy: FilterPolicy = { store: ['example_corp'], price: [{ numeric: ['>', 100] }] };
    decides(policy, withAttributes({ store: text('example_corp'), price: number(210.75) }), true, 'both keys match');
    decides(policy, withAttributes({ store: text('example_corp'), price: number(20) }), false, 'the price does not match');
    decides(policy, withAttributes({ store: text('example_corp') }), false, 'there is no price at all');
  });

  test('attributes the policy does not name are ignored, and an empty policy accepts everything', () => {
    decides({ store: ['example_corp'] }, withAttributes({ store: text('example_corp'), noise: text('x') }), true, 'an extra attribute changes nothing');
    decides({}, withAttributes({}), true, 'a subscription without conditions gets every message');
  });
});

describe('prefix', () => {
  test('matches strings that start with the prefix', () => {
    decides({ event: [{ prefix: 'order.' }] }, withAttributes({ event: text('order.created') }), true, '"order.created" starts with "order."');
    decides({ event: [{ prefix: 'order.' }] }, withAttributes({ event: text('reorder.created') }), false, 'the prefix must be at the start');
    decides({ event: [{ prefix: 'order.' }] }, withAttributes({ event: array(['user.created', 'order.paid']) }), true, 'one element of a String.Array starts with it');
  });
});

describe('anything-but', () => {
  test('with a list, matches any value not in the list', () => {
    const policy: FilterPolicy = { interests: [{ 'anything-but': ['rugby', 'tennis'] }] };
    decides(policy, withAttributes({ interests: text('baseball') }), true, '"baseball" is not excluded');
    decides(policy, withAttributes({ interests: text('rugby') }), false, '"rugby" is excluded');
    decides(policy, withAttributes({ interests: text('tennis') }), false, '"tennis" is excluded too: every value of the list is');
  });

  test('with a single value, excludes just that value', () => {
    decides({ env: [{ 'anything-but': 'test' }] }, withAttributes({ env: text('prod') }), true, '"prod" is not "test"');
    decides({ env: [{ 'anything-but': 'test' }] }, withAttributes({ env: text('test') }), false, '"test" is excluded');
  });

  test('needs the key to be there: a missing attribute is not "anything but" something', () => {
    decides({ env: [{ 'anything-but': 'test' }] }, withAttributes({ other: text('x') }), false, 'without an "env" attribute nothing is compared, so nothing matches');
  });

  test('on an array, matches when some element is not excluded', () => {
    const policy: FilterPolicy = { interests: [{ 'anything-but': ['rugby', 'tennis'] }] };
    decides(policy, withAttributes({ interests: array(['rugby', 'baseball']) }), true, '"baseball" is not excluded');
    decides(policy, withAttributes({ interests: array(['rugby']) }), false, 'its only element is excluded');
  });

  test('with numbers, compares numbers', () => {
    const policy: FilterPolicy = { price: [{ 'anything-but': [100, 500] }] };
    decides(policy, withAttributes({ price: number(101) }), true, '101 is not excluded');
    decides(policy, withAttributes({ price: number(100) }), false, '100 is excluded');
    decides(policy, withAttributes({ price: number('1e2') }), false, '1e2 is 100');
  });

  test('with a prefix, excludes strings that start with it', () => {
    const policy: FilterPolicy = { event: [{ 'anything-but': { prefix: 'order-' } }] };
    decides(policy, withAttributes({ event: text('data-entry') }), true, '"data-entry" does not start with "order-"');
    decides(policy, withAttributes({ event: text('order_number') }), true, '"order_number" does not start with "order-"');
    decides(policy, withAttributes({ event: text('order-cancelled') }), false, '"order-cancelled" starts with "order-"');
  });
});

describe('numeric', () => {
  test('a range with two bounds', () => {
    const policy: FilterPolicy = { price: [{ numeric: ['>', 0, '<=', 150] }] };
    decides(policy, withAttributes({ price: number(150) }), true, '150 is within (0, 150]');
    decides(policy, withAttributes({ price: number(0.5) }), true, '0.5 is within (0, 150]');
    decides(policy, withAttributes({ price: number(0) }), false, '0 is not > 0');
    decides(policy, withAttributes({ price: number(150.5) }), false, '150.5 is above 150');
    decides(policy, withAttributes({ price: number(-1) }), false, '-1 is below 0');
  });

  test('one-sided comparisons and equality', () => {
    decides({ price: [{ numeric: ['<', 0] }] }, withAttributes({ price: number(-3) }), true, '-3 < 0');
    decides({ price: [{ numeric: ['>=', 100] }] }, withAttributes({ price: number(100) }), true, '100 >= 100');
    decides({ price: [{ numeric: ['=', 301.5] }] }, withAttributes({ price: number('3.015e2') }), true, '3.015e2 = 301.5');
  });

  test('only a Number attribute is a number: the String "150" is not in any range', () => {
    decides({ price: [{ numeric: ['>=', 100] }] }, withAttributes({ price: text('150') }), false, 'a publisher that sends numbers as DataType String never matches numeric rules');
  });
});

describe('exists', () => {
  test('exists: true matches any message that has the key', () => {
    decides({ store: [{ exists: true }] }, withAttributes({ store: text('fans') }), true, 'the message has "store"');
    decides({ store: [{ exists: true }] }, withAttributes({ other: text('fans') }), false, 'the message has no "store"');
  });

  test('exists: false matches a message that does not have the key', () => {
    decides({ store: [{ exists: false }] }, withAttributes({ other: text('x') }), true, 'the message has no "store", which is what the policy asks');
    decides({ store: [{ exists: false }] }, withAttributes({ store: text('fans') }), false, 'the message has "store"');
    decides({ store: [{ exists: false }], event: ['order_placed'] }, withAttributes({ event: text('order_placed') }), true, 'both keys match: "store" is absent and "event" is order_placed');
  });

  test('anything-but combined with exists: false also lets messages without the key through', () => {
    const policy: FilterPolicy = { env: [{ 'anything-but': 'test' }, { exists: false }] };
    decides(policy, withAttributes({}), true, 'no "env" at all');
    decides(policy, withAttributes({ env: text('prod') }), true, '"prod" is not "test"');
    decides(policy, withAttributes({ env: text('test') }), false, '"test" is excluded');
  });
});

describe('FilterPolicyScope', () => {
  test('MessageBody: the policy matches the JSON properties of the body, nested keys and all', () => {
    const policy: FilterPolicy = { order: { status: ['paid'], total: [{ numeric: ['>=', 100] }] } };
    decides(policy, withBody({ order: { status: 'paid', total: 120 } }), true, 'order.status is "paid" and order.total is 120', 'MessageBody');
    decides(policy, withBody({ order: { status: 'paid', total: 20 } }), false, 'order.total is below 100', 'MessageBody');
    decides(policy, withBody({ status: 'paid', total: 120 }), false, 'the keys must be under "order"', 'MessageBody');
  });

  test('MessageBody: types count in the body too, and arrays match by any element', () => {
    decides({ quantity: [5] }, withBody({ quantity: '5' }), false, 'the body holds the string "5", not the number', 'MessageBody');
    decides({ quantity: [5] }, withBody({ quantity: 5 }), true, 'the body holds the number 5', 'MessageBody');
    decides({ tags: ['vip'] }, withBody({ tags: ['new', 'vip'] }), true, '"vip" is one of the tags', 'MessageBody');
    decides({ store: [{ exists: false }] }, withBody({ other: 1 }), true, 'the body has no "store"', 'MessageBody');
  });

  test('MessageBody ignores the attributes, and MessageAttributes ignores the body', () => {
    decides({ status: ['paid'] }, withBody({ other: 1 }, { status: text('paid') }), false, 'with MessageBody scope the attribute does not count', 'MessageBody');
    decides({ status: ['paid'] }, withBody({ status: 'paid' }), false, 'with MessageAttributes scope (the default) the body does not count');
  });

  test('MessageBody: a body that is not JSON matches nothing, and does not throw', () => {
    decides({ status: ['paid'] }, { body: 'status=paid' }, false, 'SNS can only filter a JSON object body', 'MessageBody');
  });

  test('MessageAttributes: a nested policy is rejected with a clear error, as SNS rejects it at Subscribe', () => {
    expect(() => matchesFilterPolicy({ order: { status: ['paid'] } }, withAttributes({}), 'MessageAttributes')).toThrow(/MessageBody/);
  });
});
