import { describe, expect, test } from 'vitest';
import { createMessaging, type Message, type Messaging, type SubscriberFailure } from './messaging.ts';

function messaging(): { bus: Messaging; failures: SubscriberFailure[] } {
  const failures: SubscriberFailure[] = [];
  return { bus: createMessaging({ onSubscriberError: (failure) => failures.push(failure) }), failures };
}

const reserveStock: Message = { type: 'ReserveStock', payload: { sku: 'sku-9', qty: 2 } };
const orderCreated: Message = { type: 'OrderCreated', payload: { orderId: 'o-1' } };

const RESOLVED = '(no error: it resolved)';

/** The message a promise rejected with, or RESOLVED. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => RESOLVED,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

describe('commands', () => {
  test("a command reaches its one handler, and the sender gets the handler's answer", async () => {
    const { bus } = messaging();
    const received: Message[] = [];
    bus.handleCommand('ReserveStock', 'inventory', async (command) => {
      received.push(command);
      return { reservationId: 'r-1' };
    });

    const answer = await bus.send<{ reservationId: string }>(reserveStock);

    expect(answer).toEqual({ reservationId: 'r-1' });
    expect(received).toEqual([reserveStock]);
  });

  test('a command nobody handles is rejected, naming the command', async () => {
    const { bus } = messaging();

    const failure = await rejection(bus.send({ type: 'SendWelcomeEmail', payload: { to: 'ann@example.com' } }));

    expect(failure, 'the sender must learn that nobody will send the e-mail, not hear nothing').toMatch(/SendWelcomeEmail/);
  });

  test('a second handler for a command is refused when it registers', async () => {
    const { bus } = messaging();
    bus.handleCommand('SendWelcomeEmail', 'mailer', async () => 'sent');

    expect(
      () => bus.handleCommand('SendWelcomeEmail', 'mailer-copy', async () => 'sent again'),
      'two handlers for one command: two welcome e-mails',
    ).toThrow(/SendWelcomeEmail.*mailer/);
    expect(await bus.send({ type: 'SendWelcomeEmail', payload: {} }), 'the first handler stays the owner').toBe('sent');
  });

  test("a handler that refuses a command rejects the sender's call with its reason", async () => {
    const { bus, failures } = messaging();
    bus.handleCommand('ReserveStock', 'inventory', async () => {
      throw new Error('only 1 of sku-9 left');
    });

    const failure = await rejection(bus.send(reserveStock));

    expect(failure, 'a command can be refused, and the sender has to hear why').toBe('only 1 of sku-9 left');
    expect(failures, 'the refusal is the answer to the sender, not a subscriber failure').toEqual([]);
  });
});

describe('events', () => {
  test('an event reaches every subscriber, and an event nobody subscribed to is fine', async () => {
    const { bus } = messaging();
    const got: string[] = [];
    bus.subscribe('OrderCreated', 'inventory', async () => void got.push('inventory'));
    bus.subscribe('OrderCreated', 'notifications', async () => void got.push('notifications'));

    await bus.publish(orderCreated);
    const unheard = await rejection(bus.publish({ type: 'OrderArchived', payload: {} }));

    expect(got.sort()).toEqual(['inventory', 'notifications']);
    expect(unheard, 'an event states a fact; nobody has to be listening').toBe(RESOLVED);
  });

  test('a failing subscriber never fails the publisher: it is reported, and the others still get the event', async () => {
    const { bus, failures } = messaging();
    const got: string[] = [];
    bus.subscribe('OrderCreated', 'notifications', async () => {
      throw new Error('mail service down');
    });
    bus.subscribe('OrderCreated', 'analytics', async () => void got.push('analytics'));

    const failure = await rejection(bus.publish(orderCreated));

    expect(failure, 'the order was created whatever notifications thinks of it').toBe(RESOLVED);
    expect(got).toEqual(['analytics']);
    expect(failures.map((f) => [f.subscriber, (f.error as Error).message])).toEqual([['notifications', 'mail service down']]);
  });
});

describe('keeping the two apart', () => {
  test('a command type cannot be published or subscribed to', async () => {
    const { bus } = messaging();
    bus.handleCommand('SendWelcomeEmail', 'mailer', async () => 'sent');

    expect(await rejection(bus.publish({ type: 'SendWelcomeEmail', payload: {} })), 'publishing a command disguises it as an event').toMatch(/SendWelcomeEmail/);
    expect(() => bus.subscribe('SendWelcomeEmail', 'spy', async () => {}), 'only its owner receives a command').toThrow(/SendWelcomeEmail/);
  });

  test('an event type that has subscribers cannot get a command handler', () => {
    const { bus } = messaging();
    bus.subscribe('UserRegistered', 'crm', async () => {});

    expect(() => bus.handleCommand('UserRegistered', 'mailer', async () => 'sent')).toThrow(/UserRegistered/);
  });
});
