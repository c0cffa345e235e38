import { describe, expect, test } from 'vitest';
import { connect } from '#testing/redis';
import { readAll, tempNamespace } from '#testing/streams';
import { causalChain, decode, encode, eventCausedBy, eventForRequest, flow, type DomainEvent, type NewEvent } from './events.ts';

const orderCreated: NewEvent<{ total: number }> = { type: 'OrderCreated', aggregateType: 'Order', aggregateId: 'order-1', payload: { total: 40 } };
const stockReserved: NewEvent<{ sku: string }> = { type: 'StockReserved', aggregateType: 'Stock', aggregateId: 'sku-9', payload: { sku: 'sku-9' } };
const paymentCaptured: NewEvent<{ amount: number }> = { type: 'PaymentCaptured', aggregateType: 'Payment', aggregateId: 'pay-3', payload: { amount: 40 } };
const confirmationSent: NewEvent<{ to: string }> = { type: 'ConfirmationSent', aggregateType: 'Email', aggregateId: 'mail-5', payload: { to: 'ann@example.com' } };

/** The order flow of the chapter: request → OrderCreated → StockReserved → PaymentCaptured. */
function orderFlow(requestId: string): [DomainEvent, DomainEvent, DomainEvent] {
  const created = eventForRequest(requestId, orderCreated);
  const reserved = eventCausedBy(created, stockReserved);
  const captured = eventCausedBy(reserved, paymentCaptured);
  return [created, reserved, captured];
}

describe('events that carry correlation and causation ids', () => {
  test('the first event of a flow takes the request id as its correlation id and as its cause', () => {
    const created = eventForRequest('req-1', orderCreated);

    expect(created.metadata.correlationId, 'the flow is named after the request that started it').toBe('req-1');
    expect(created.metadata.causationId, 'the request caused this event, not the order it is about (that is aggregateId)').toBe('req-1');
    expect(created).toMatchObject(orderCreated);
  });

  test('an event emitted while handling another keeps the flow’s correlation id and names that event as its cause', () => {
    const created = eventForRequest('req-1', orderCreated);

    const reserved = eventCausedBy(created, stockReserved);

    expect(reserved.metadata.correlationId, 'the same flow: the correlation id is copied onward').toBe('req-1');
    expect(reserved.metadata.causationId, 'the cause is the OrderCreated event being handled, by its eventId').toBe(created.eventId);
  });

  test('three steps on, every event names the one before it, and all share one correlation id', () => {
    const [created, reserved, captured] = orderFlow('req-7');

    expect([created, reserved, captured].map((e) => e.metadata.correlationId), 'one flow, one correlation id').toEqual(['req-7', 'req-7', 'req-7']);
    expect(
      [created, reserved, captured].map((e) => e.metadata.causationId),
      'each cause is the message just before: the request, then OrderCreated, then StockReserved',
    ).toEqual(['req-7', created.eventId, reserved.eventId]);
  });

  test('every event has an id of its own, also two events caused by the same one', () => {
    const created = eventForRequest('req-1', orderCreated);
    const reserved = eventCausedBy(created, stockReserved);
    const confirmed = eventCausedBy(created, confirmationSent);

    const ids = [created.eventId, reserved.eventId, confirmed.eventId];
    expect(new Set(ids).size, `eventIds must differ: ${ids.join(', ')}`).toBe(3);
    expect(reserved.metadata.causationId, 'both name OrderCreated as their cause').toBe(created.eventId);
    expect(confirmed.metadata.causationId).toBe(created.eventId);
  });

  test('two flows interleaved in a Redis stream can be told apart and traced back to their requests', async () => {
    const stream = `${tempNamespace('events')}:log`;
    const redis = connect();
    const first = orderFlow('req-A');
    const second = orderFlow('req-B');
    // The log holds both flows, step by step, the way concurrent requests really interleave.
    for (const event of [first[0], second[0], first[1], second[1], second[2], first[2]]) {
      await redis.xadd(stream, '*', 'event', encode(event));
    }

    const log = (await readAll(redis, stream)).map((entry) => decode(entry.fields.event ?? ''));

    expect(flow(log, 'req-A').map((e) => e.type), 'the flow of req-A, in log order').toEqual(['OrderCreated', 'StockReserved', 'PaymentCaptured']);
    expect(causalChain(log, second[2].eventId).map((e) => e.type), 'what led to the PaymentCaptured of req-B, from its first event on').toEqual([
      'OrderCreated',
      'StockReserved',
      'PaymentCaptured',
    ]);
    expect(causalChain(log, second[2].eventId)[0]?.metadata.causationId, 'the chain ends at the request that started it').toBe('req-B');
    expect(log[0], 'an event read back from the stream equals the event written').toEqual(first[0]);
  });

  test('decode() says in one line what is wrong with text that is not an event', () => {
    expect(() => decode('<html>'), 'not JSON at all').toThrow(/not valid JSON/);
    expect(() => decode('{"type":"OrderCreated"}'), 'JSON without the envelope').toThrow(/missing eventId.*metadata\.correlationId/);
  });
});
