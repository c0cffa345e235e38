import { Redis } from 'ioredis';

export interface TypingEvent {
  roomId: string;
  userId: string;
  typing: boolean;
}

export type TypingListener = (event: TypingEvent) => void;

/** One browser tab or device of a user in a room. */
export interface Session {
  leave(): Promise<void>;
}

export interface PresenceOptions {
  /** Every key and channel the presence uses starts with this. */
  prefix: string;
  /** A session not heard from for this long counts as gone (its server has died). */
  ttlMs: number;
}

export interface ChatPresence {
  /** A user opens the room in one more tab or device, on this server instance. */
  join(roomId: string, userId: string): Promise<Session>;
  /** The users with at least one live session in the room, on any instance, sorted. */
  online(roomId: string): Promise<string[]>;
  /** Tells everyone watching the room, on every instance, that the user started or stopped typing. */
  setTyping(roomId: string, userId: string, typing: boolean): Promise<void>;
  /** Calls the listener for typing indicators in the room; resolves once listening, to a function that stops. */
  onTyping(roomId: string, listener: TypingListener): Promise<() => Promise<void>>;
  /**
   * Stops this instance: no more heartbeats, connections closed. It does not leave its sessions, just as
   * a server that crashes cannot; the other instances must cope.
   */
  close(): Promise<void>;
}

interface PresenceEvent {
  roomId: string;
  userId: string;
  status: 'online' | 'offline';
}

export function createChatPresence(url: string, options: PresenceOptions): ChatPresence {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const presenceChannel = `${options.prefix}:presence`;
  // TODO: like the guide's chat server, each instance builds its own picture of who is online from
  // the presence events it has heard. An instance started later has heard none of them, and a server
  // that crashes never announces that its users went offline.
  const rooms = new Map<string, Set<string>>();
  const typingListeners = new Map<string, Set<TypingListener>>();

  subscriber.on('message', (_channel: string, message: string) => {
    const { roomId, userId, status } = JSON.parse(message) as PresenceEvent;
    const users = rooms.get(roomId) ?? new Set<string>();
    if (status === 'online') users.add(userId);
    else users.delete(userId);
    rooms.set(roomId, users);
  });
  const listening = subscriber.subscribe(presenceChannel);

  const announce = async (event: PresenceEvent): Promise<void> => {
    await listening;
    await publisher.publish(presenceChannel, JSON.stringify(event));
  };

  return {
    async join(roomId, userId) {
      await announce({ roomId, userId, status: 'online' });
      return {
        // TODO: the user is announced offline as soon as any one of their tabs closes, even when
        // another tab is still open.
        leave: () => announce({ roomId, userId, status: 'offline' }),
      };
    },

    async online(roomId) {
      return [...(rooms.get(roomId) ?? [])].sort();
    },

    async setTyping(roomId, userId, typing) {
      // TODO: like `socket.to(room).emit('userTyping', ...)` in the guide, this reaches only the
      // listeners on this instance; users connected to other servers never see it.
      for (const listener of typingListeners.get(roomId) ?? []) listener({ roomId, userId, typing });
    },

    async onTyping(roomId, listener) {
      const listeners = typingListeners.get(roomId) ?? new Set<TypingListener>();
      listeners.add(listener);
      typingListeners.set(roomId, listeners);
      return async () => {
        listeners.delete(listener);
      };
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
