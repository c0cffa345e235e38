import { describe, expect, test } from 'vitest';
import { TimeoutError, within } from '#testing/wait';
import { createRegistry, type DomainEvent, type EventHandler, type HandleReport } from './registry.ts';

const orderCreated: DomainEvent = { eventId: 'e-1', type: 'OrderCreated', payload: { orderId: 'o-1' } };

/** handle() with a deadline, and a plain-words failure if it rejects instead of reporting. */
async function handled(promise: Promise<HandleReport>, what = 'handle() resolving'): Promise<HandleReport> {
  try {
    return await within(promise, 2_000, what);
  } catch (error) {
    if (error instanceof TimeoutError) throw error;
    throw new Error(`${what}: it rejected with "${(error as Error).message}" — handle() must resolve with a report, not reject`);
  }
}

const failedNames = (report: HandleReport): string[] => report.failed.map((f) => f.handler);

/** A handler that waits until the test opens its gate. */
function gated(): { handler: EventHandler; open: () => void; finished: () => boolean } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let done = false;
  return {
    handler: async () => {
      await gate;
      done = true;
    },
    open,
    finished: () => done,
  };
}

describe('a handler registry that isolates and reports failures', () => {
  test("an event runs every handler of its type, and only those, and the report lists them in registration order", async () => {
    const registry = createRegistry();
    const ran: string[] = [];
    registry.register('OrderCreated', 'inventory', async () => void ran.push('inventory'));
    registry.register('OrderShipped', 'tracking', async () => void ran.push('tracking'));
    registry.register('OrderCreated', 'notifications', async () => void ran.push('notifications'));

    const report = await handled(registry.handle(orderCreated));

    expect(ran.sort()).toEqual(['inventory', 'notifications']);
    expect(report).toEqual({ succeeded: ['inventory', 'notifications'], failed: [] });
  });

  test('a failing handler does not fail the others: handle() resolves with a report naming it', async () => {
    const registry = createRegistry();
    registry.register('OrderCreated', 'inventory', async () => {});
    registry.register('OrderCreated', 'notifications', async () => {
      throw new Error('mail service down');
    });
    registry.register('OrderCreated', 'analytics', async () => {});

    const report = await handled(registry.handle(orderCreated));

    expect(report.succeeded, 'the handlers that finished').toEqual(['inventory', 'analytics']);
    expect(failedNames(report), 'the handler that failed, by name').toEqual(['notifications']);
    expect((report.failed[0]?.error as Error).message, 'and what it failed with').toBe('mail service down');
  });

  test('handle() settles only when every handler is done, also after one failed early', async ({ onTestFinished }) => {
    const registry = createRegistry();
    const inventory = gated();
    onTestFinished(inventory.open);
    registry.register('OrderCreated', 'inventory', inventory.handler);
    registry.register('OrderCreated', 'notifications', async () => {
      throw new Error('mail service down');
    });

    let settled = false;
    const handling = registry.handle(orderCreated);
    handling.then(
      () => (settled = true),
      () => (settled = true),
    );
    // One turn of the event loop: enough for a failure to have settled handle() if nothing waits for inventory.
    await new Promise((resolve) => setImmediate(resolve));

    expect(settled, 'handle() settled while inventory was still reserving stock: the caller would retry an event that is half-done').toBe(false);
    inventory.open();
    const report = await handled(handling);
    expect(inventory.finished()).toBe(true);
    expect(report.succeeded).toEqual(['inventory']);
    expect(failedNames(report)).toEqual(['notifications']);
  });

  test('a handler that throws before returning a promise is reported like any other failure', async () => {
    const registry = createRegistry();
    // Not async: it checks the payload and throws straight away.
    const validator: EventHandler = (event) => {
      if (typeof event.payload !== 'string') throw new Error('payload must be a string');
      return Promise.resolve();
    };
    registry.register('OrderCreated', 'validator', validator);
    registry.register('OrderCreated', 'inventory', async () => {});

    const report = await handled(registry.handle(orderCreated));

    expect(failedNames(report)).toEqual(['validator']);
    expect(report.succeeded, 'the handler after it still ran').toEqual(['inventory']);
  });

  test('a handler that never finishes counts as failed after timeoutMs and does not hold handle() forever', async () => {
    const registry = createRegistry({ timeoutMs: 100 });
    registry.register('OrderCreated', 'stuck', () => new Promise<void>(() => {}));
    registry.register('OrderCreated', 'inventory', async () => {});

    const report = await handled(registry.handle(orderCreated), 'handle() resolving although one handler never finishes');

    expect(report.succeeded).toEqual(['inventory']);
    expect(failedNames(report)).toEqual(['stuck']);
    expect(String((report.failed[0]?.error as Error | undefined)?.message), 'the failure says the handler ran out of time').toMatch(/100 ms/);
  });

  test('a retry can run only the handlers that failed, so the others do not run twice', async () => {
    const registry = createRegistry();
    let reserved = 0;
    let mailAttempts = 0;
    registry.register('OrderCreated', 'inventory', async () => {
      reserved += 1;
    });
    registry.register('OrderCreated', 'notifications', async () => {
      mailAttempts += 1;
      if (mailAttempts === 1) throw new Error('mail service down');
    });

    const first = await handled(registry.handle(orderCreated));
    const retry = await handled(registry.handle(orderCreated, { only: failedNames(first) }));

    expect(reserved, 'times inventory reserved the stock: a retry with { only: ["notifications"] } must not run inventory again').toBe(1);
    expect(retry, 'the report of the retry: only the handlers named in `only` ran').toEqual({ succeeded: ['notifications'], failed: [] });
    expect(mailAttempts).toBe(2);
  });

  test('names identify handlers: a second handler with the same name for a type is refused, and so is retrying an unknown name', async () => {
    const registry = createRegistry();
    registry.register('OrderCreated', 'inventory', async () => {});

    expect(() => registry.register('OrderCreated', 'inventory', async () => {}), 'a report could not tell the two apart').toThrow(/inventory.*already registered/);
    expect(() => registry.register('OrderShipped', 'inventory', async () => {}), 'the same name for another type is fine').not.toThrow();
    await expect(registry.handle(orderCreated, { only: ['invetnory'] }), 'a typo in a retry must not silently run nothing').rejects.toThrow(/invetnory/);
  });
});
