import { describe, expect, test } from 'vitest';
import { connect, farRedis, redisUrl, subscriberCount, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { createNotificationHub, type Notification, type NotificationHub } from './notifications.ts';

function hub(cleanup: (fn: () => Promise<void>) => void, prefix: string, url = redisUrl()): NotificationHub {
  const instance = createNotificationHub(url, { prefix });
  cleanup(() => instance.close());
  return instance;
}

/** A device: connects to an instance and collects the titles of what it receives. */
async function device(instance: NotificationHub, userId: string): Promise<{ titles: Inbox<string>; received: Notification[]; disconnect: () => Promise<void> }> {
  const titles = new Inbox<string>();
  const received: Notification[] = [];
  const disconnect = await instance.connect(userId, (n) => {
    received.push(n);
    titles.push(n.title);
  });
  return { titles, received, disconnect };
}

const note = (title: string): { type: string; title: string; body: string } => ({ type: 'info', title, body: `${title} body` });

describe('per-user notification channels', () => {
  test('a notification reaches every device of its user, on any instance, and nobody else', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const [a, b, sender] = [hub(onTestFinished, prefix), hub(onTestFinished, prefix), hub(onTestFinished, prefix)];
    const alicePhone = await device(a, 'alice');
    const aliceLaptop = await device(b, 'alice');
    const bob = await device(a, 'bob');

    const receivers = await Promise.all([sender.notify('alice', note('order shipped')), sender.notify('alice', note('order delivered'))]);
    await sender.notify('bob', note('end'));
    // Known as soon as notify() resolves: no need to wait for deliveries to say it is wrong.
    expect(receivers, 'notify() counts the instances where alice is connected: two').toEqual([2, 2]);

    await alicePhone.titles.waitFor(2, 2_000, "alice's phone receiving both notifications");
    await aliceLaptop.titles.waitFor(2, 2_000, "alice's laptop receiving both notifications");
    await bob.titles.waitUntil((t) => t === 'end', 2_000, 'bob receiving his own notification');
    expect(bob.titles.items, "bob gets none of alice's notifications").toEqual(['end']);
    expect([...alicePhone.titles.items].sort()).toEqual(['order delivered', 'order shipped']);
  });

  test('every notification gets an id of its own, even many sent at once', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const instance = hub(onTestFinished, prefix);
    const phone = await device(instance, 'alice');

    await Promise.all(Array.from({ length: 50 }, (_, i) => instance.notify('alice', note(`n${i}`))));

    await phone.titles.waitFor(50, 2_000, "alice's phone receiving all 50 notifications");
    expect(new Set(phone.received.map((n) => n.id)).size, 'distinct ids among 50 notifications sent in the same moment: an id made from the clock repeats within a millisecond').toBe(50);
  });

  test('notify() resolves to 0 when the user is connected nowhere, so the caller can fall back to e-mail', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const [a, b] = [hub(onTestFinished, prefix), hub(onTestFinished, prefix)];
    await device(a, 'bob');
    await device(b, 'bob');

    expect(await a.notify('carol', note('welcome')), 'no instance has carol connected').toBe(0);
    expect(await a.notify('bob', note('hi')), 'both instances have bob connected').toBe(2);
  });

  test('a user id may contain colons', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const instance = hub(onTestFinished, prefix);
    const tenantUser = await device(instance, 'tenant:7:alice');

    await instance.notify('tenant:7:alice', note('invoice ready'));

    await tenantUser.titles.waitFor(1, 2_000, "the device of user 'tenant:7:alice' receiving its notification");
    expect(tenantUser.titles.items).toEqual(['invoice ready']);
  });

  test('a broadcast reaches every connected device on every instance, once', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const [a, b, sender] = [hub(onTestFinished, prefix), hub(onTestFinished, prefix), hub(onTestFinished, prefix)];
    const devices = { alice: await device(a, 'alice'), bob: await device(a, 'bob'), carol: await device(b, 'carol') };

    await sender.broadcast(note('maintenance at 02:00'));
    for (const user of Object.keys(devices)) await sender.notify(user, note('end'));

    for (const [user, d] of Object.entries(devices)) {
      await d.titles.waitUntil((t) => t === 'end', 2_000, `${user} receiving the notification sent after the broadcast`);
      expect(d.titles.items, `${user} gets the broadcast once, before the later notification`).toEqual(['maintenance at 02:00', 'end']);
    }
  });

  test("a user's other devices keep receiving when one of them disconnects", async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const instance = hub(onTestFinished, prefix);
    const phone = await device(instance, 'alice');
    const laptop = await device(instance, 'alice');

    await phone.disconnect();
    const receivers = await instance.notify('alice', note('still here?'));

    expect(receivers, 'instances listening for alice after her phone disconnected: hers still does, her laptop is connected there').toBe(1);
    await laptop.titles.waitFor(1, 2_000, "alice's laptop receiving the notification after her phone disconnected");
    expect(phone.titles.items, 'a disconnected device receives nothing').toEqual([]);
  });

  test('two devices that pass the same function are two devices', async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const instance = hub(onTestFinished, prefix);
    const titles = new Inbox<string>();
    const deliver = (n: Notification): void => titles.push(n.title);
    const disconnectFirst = await instance.connect('alice', deliver);
    await instance.connect('alice', deliver);

    await disconnectFirst();
    expect(
      await instance.notify('alice', note('still connected')),
      'instances listening for alice after the first of her two devices disconnected: one device is left, so hers still does — keep a fresh entry per connect()',
    ).toBe(1);

    await titles.waitFor(1, 2_000, 'the second device (same function) still receiving after the first disconnected');
    await instance.notify('alice', note('end'));
    await titles.waitUntil((t) => t === 'end', 2_000, 'the second device receiving "end"');
    expect(titles.items, 'one device is left, so each notification arrives once: keep a fresh entry per connect()').toEqual(['still connected', 'end']);
  });

  test("disconnecting a device twice leaves the user's other devices receiving", async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const instance = hub(onTestFinished, prefix);
    const phone = await device(instance, 'alice');
    const laptop = await device(instance, 'alice');

    await phone.disconnect();
    await phone.disconnect();

    expect(await instance.notify('alice', note('hello laptop')), 'a second disconnect() of the same device must do nothing: the laptop is still connected').toBe(1);
    await laptop.titles.waitFor(1, 2_000, "alice's laptop receiving the notification");
  });

  test('connect() resolves only once notifications will reach the device, even for a second device of the user', async ({ onTestFinished }) => {
    // The instance sits 40 ms from Redis; the sender next to Redis notifies the moment connect() resolves.
    const prefix = unique('notify');
    const far = hub(onTestFinished, prefix, (await farRedis({ delayMs: 40 })).url);
    const sender = hub(onTestFinished, prefix);
    const phone = device(far, 'alice');
    const laptop = await device(far, 'alice');

    expect(await sender.notify('alice', note('hi')), "instances listening for alice when her second device's connect() resolved: it must wait for the same SUBSCRIBE as the first").toBe(1);
    await laptop.titles.waitFor(1, 2_000, "alice's laptop receiving the notification");
    await phone;
  });

  test("an instance listens on a user's channel only while that user has a device connected to it", async ({ onTestFinished }) => {
    const prefix = unique('notify');
    const [a, b] = [hub(onTestFinished, prefix), hub(onTestFinished, prefix)];
    const channel = `${prefix}:user:alice`;
    const probe = connect();
    const phone = await device(a, 'alice');
    const tablet = await device(a, 'alice');
    expect(await subscriberCount(probe, channel), `instances subscribed to ${channel} with two of alice's devices on one instance`).toBe(1);
    const laptop = await device(b, 'alice');
    expect(await subscriberCount(probe, channel), 'alice now has devices on two instances').toBe(2);

    await phone.disconnect();
    await tablet.disconnect();
    expect(await subscriberCount(probe, channel), 'the first instance has no device of alice left, so it unsubscribes').toBe(1);
    await laptop.disconnect();
    expect(await subscriberCount(probe, channel), 'alice is gone from every instance').toBe(0);
  });
});
