import { describe, expect, test } from 'vitest';
import { createPriorityFanOut, type PriorityHandler } from './priority.ts';

interface OrderEvent {
  orderId: string;
}

const order: OrderEvent = { orderId: 'o-1' };
const pass: PriorityHandler<OrderEvent> = async () => true;

describe('priority fan-out with stop-propagation', () => {
  test('lower numbers run first, higher numbers last, and equal priorities in the order they subscribed', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    fanOut.subscribe('notify', 1_000, pass);
    fanOut.subscribe('enrich-a', 10, pass);
    fanOut.subscribe('validate', 0, pass);
    fanOut.subscribe('enrich-b', 10, pass);
    fanOut.subscribe('fraud-check', -100, pass);

    const result = await fanOut.publish(order);

    expect(result.ran, 'priority -100 runs first, 1000 runs last; the two 10s keep their subscription order').toEqual([
      'fraud-check',
      'validate',
      'enrich-a',
      'enrich-b',
      'notify',
    ]);
    expect(result.stoppedBy).toBeNull();
  });

  test('the first handler returning false stops the event before anyone else sees it', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    fanOut.subscribe('notify', 20, pass);
    fanOut.subscribe('validate', 0, async () => false);
    fanOut.subscribe('enrich', 10, pass);

    const result = await fanOut.publish(order);

    expect(result.ran, 'nothing after the validator runs').toEqual(['validate']);
    expect(result.stoppedBy).toBe('validate');
  });

  test('the last handler returning false stops nothing that had not already run', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    fanOut.subscribe('notify', 20, async () => false);
    fanOut.subscribe('validate', 0, pass);
    fanOut.subscribe('enrich', 10, pass);

    const result = await fanOut.publish(order);

    expect(result.ran).toEqual(['validate', 'enrich', 'notify']);
    expect(result.stoppedBy).toBe('notify');
  });

  test('a handler that returns nothing stops the event: only an explicit true lets it continue', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    const seen: string[] = [];
    // Plain JavaScript that forgot its `return true`: TypeScript would have caught it, nothing at run time does.
    const forgetful = (async (e: OrderEvent) => {
      seen.push(e.orderId);
    }) as unknown as PriorityHandler<OrderEvent>;
    fanOut.subscribe('log', 0, forgetful);
    fanOut.subscribe('ship', 10, pass);

    const result = await fanOut.publish(order);

    expect(result.ran, 'a handler that may veto an event must approve it explicitly').toEqual(['log']);
    expect(result.stoppedBy).toBe('log');
    expect(seen).toEqual(['o-1']);
  });

  test('a handler that throws stops the event there (fail closed) and the error is reported', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    fanOut.subscribe('validate', 0, async () => {
      throw new Error('cannot reach the fraud service');
    });
    fanOut.subscribe('charge', 10, pass);

    const result = await fanOut.publish(order);

    expect(result.ran, 'an event its validator could not check must not reach the payment handler').toEqual(['validate']);
    expect(result.stoppedBy).toBe('validate');
    expect(result.failure?.handler, 'the result names the handler that threw').toBe('validate');
    expect((result.failure?.error as Error | undefined)?.message, 'the result carries what it threw').toBe('cannot reach the fraud service');
  });

  test('a handler that unsubscribes itself does not make the next one miss the event', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    const unsubscribeOnce = fanOut.subscribe('once', 1, async () => {
      unsubscribeOnce();
      return true;
    });
    fanOut.subscribe('audit', 2, pass);
    fanOut.subscribe('email', 3, pass);

    const first = await fanOut.publish(order);
    const second = await fanOut.publish(order);

    expect(first.ran, 'removing "once" from the list must not skip "audit"').toEqual(['once', 'audit', 'email']);
    expect(second.ran, '"once" is gone for the next event').toEqual(['audit', 'email']);
  });

  test('a handler unsubscribed by an earlier one during the same event is not called', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    fanOut.subscribe('cancel-promotion', 1, async () => {
      unsubscribePromotion();
      return true;
    });
    const unsubscribePromotion = fanOut.subscribe('promotion', 2, pass);
    fanOut.subscribe('email', 3, pass);

    const result = await fanOut.publish(order);

    expect(result.ran, 'a handler removed before its turn does not run for this event').toEqual(['cancel-promotion', 'email']);
  });

  test('a handler subscribed during an event waits for the next one, and nobody runs twice', async () => {
    const fanOut = createPriorityFanOut<OrderEvent>();
    let added = false;
    fanOut.subscribe('setup', 1, async () => {
      if (!added) {
        added = true;
        fanOut.subscribe('late-but-urgent', 0, pass);
      }
      return true;
    });
    fanOut.subscribe('email', 2, pass);

    const first = await fanOut.publish(order);
    const second = await fanOut.publish(order);

    expect(first.ran, 'the event was already on its way when "late-but-urgent" subscribed').toEqual(['setup', 'email']);
    expect(second.ran, 'from the next event on it runs first, by its priority').toEqual(['late-but-urgent', 'setup', 'email']);
  });
});
