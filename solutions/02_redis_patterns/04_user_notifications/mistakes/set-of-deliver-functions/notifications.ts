// Mistake: keeps each user's devices as a Set of deliver functions, so two devices that pass the same function are one entry and one disconnect silences both.
// Caught by: two devices that pass the same function are two devices
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  /** When it was sent (ISO 8601). */
  sentAt: string;
}

export type NotificationInput = Omit<Notification, 'id' | 'sentAt'>;

/** Hands a notification to one device: a browser tab's WebSocket, a phone's open connection. */
export type Deliver = (notification: Notification) => void;

export interface HubOptions {
  /** A user's notifications travel on `${prefix}:user:${userId}`, broadcasts on `${prefix}:broadcast`. */
  prefix: string;
}

export interface NotificationHub {
  /**
   * A device of `userId` connects to this instance. Resolves once notifications for the user will
   * reach it, to a function that disconnects the device again.
   */
  connect(userId: string, deliver: Deliver): Promise<() => Promise<void>>;
  /** Sends to every device of the user, on every instance; resolves to how many instances have the user connected. */
  notify(userId: string, notification: NotificationInput): Promise<number>;
  /** Sends to every connected device of every user, on every instance. */
  broadcast(notification: NotificationInput): Promise<void>;
  close(): Promise<void>;
}

/** One connected device; an object per connect(), so the same function connected twice is two devices. */
interface Device {
  deliver: Deliver;
}

export function createNotificationHub(url: string, options: HubOptions): NotificationHub {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const userPrefix = `${options.prefix}:user:`;
  const broadcastChannel = `${options.prefix}:broadcast`;
  const devices = new Map<string, Set<Device>>();
  // The SUBSCRIBE each user's first device is waiting for; later devices wait for the same one.
  const subscribing = new Map<string, Promise<unknown>>();

  // One channel per user, subscribed only while that user has a device here: an instance receives
  // only its own users' traffic, and PUBLISH counts exactly the instances where the user is connected.
  const ready = subscriber.subscribe(broadcastChannel);

  subscriber.on('message', (channel: string, message: string) => {
    let notification: Notification;
    try {
      notification = JSON.parse(message) as Notification;
    } catch {
      return; // Not a notification.
    }
    const targets =
      channel === broadcastChannel
        ? [...devices.values()].flatMap((set) => [...set])
        : // Everything after the prefix is the user id, colons and all.
          [...(devices.get(channel.slice(userPrefix.length)) ?? [])];
    for (const device of targets) device.deliver(notification);
  });

  const stamp = (input: NotificationInput): Notification => ({ id: randomUUID(), ...input, sentAt: new Date().toISOString() });

  return {
    async connect(userId, deliver) {
      await ready;
      const device: Device = [...(devices.get(userId) ?? [])].find((d) => d.deliver === deliver) ?? { deliver };
      let mine = devices.get(userId);
      if (!mine) {
        mine = new Set();
        devices.set(userId, mine);
        subscribing.set(userId, subscriber.subscribe(userPrefix + userId));
      }
      mine.add(device);
      await subscribing.get(userId);

      let connected = true;
      return async () => {
        if (!connected) return;
        connected = false;
        mine.delete(device);
        if (mine.size > 0 || devices.get(userId) !== mine) return;
        devices.delete(userId);
        subscribing.delete(userId);
        await subscriber.unsubscribe(userPrefix + userId);
      };
    },

    notify: (userId, input) => publisher.publish(userPrefix + userId, JSON.stringify(stamp(input))),

    async broadcast(input) {
      await publisher.publish(broadcastChannel, JSON.stringify(stamp(input)));
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
