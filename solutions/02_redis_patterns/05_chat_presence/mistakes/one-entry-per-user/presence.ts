// Mistake: the guide's presence keeps one entry per user, not per session, so closing one tab takes the user offline while their other tab is still open.
// Caught by: a user stays online until the last of their tabs leaves
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

/** A session as this instance tracks it, to keep it alive. */
interface LiveSession {
  key: string;
  member: string;
}

/** One typing listener; an object per onTyping() call, so the same function twice is two listeners. */
interface Listening {
  listener: TypingListener;
}

/**
 * Presence is state, so it lives in Redis where every instance reads the same thing: per room, a
 * sorted set of sessions scored by when they expire. Each instance keeps pushing its own sessions'
 * expiry forward (a heartbeat); a session whose server died simply stops being pushed and drops out.
 * Typing indicators are the opposite: short-lived news nobody needs later, so Pub/Sub suits them.
 */
export function createChatPresence(url: string, options: PresenceOptions): ChatPresence {
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  const roomKey = (roomId: string): string => `${options.prefix}:room:${roomId}:sessions`;
  const typingChannel = (roomId: string): string => `${options.prefix}:room:${roomId}:typing`;
  const sessions = new Set<LiveSession>();
  const listeners = new Map<string, Set<Listening>>();

  // Scores come from each instance's own clock: fine while clocks agree to well within ttlMs (NTP).
  const refresh = (session: LiveSession, pipeline = redis.pipeline()): ReturnType<Redis['pipeline']> =>
    pipeline
      .zadd(session.key, Date.now() + options.ttlMs, session.member)
      // A room whose last session died disappears on its own.
      .pexpire(session.key, options.ttlMs * 2);

  const heartbeat = setInterval(() => {
    if (sessions.size === 0) return;
    const pipeline = redis.pipeline();
    for (const session of sessions) refresh(session, pipeline);
    // Sessions of dead servers no longer count (online() skips them); this keeps them from piling up.
    for (const key of new Set([...sessions].map((s) => s.key))) pipeline.zremrangebyscore(key, '-inf', Date.now());
    // Redis unreachable for a moment: the next beat tries again, well within ttlMs.
    pipeline.exec().catch(() => {});
  }, options.ttlMs / 3);

  subscriber.on('message', (channel: string, message: string) => {
    let event: TypingEvent;
    try {
      event = JSON.parse(message) as TypingEvent;
    } catch {
      return; // Not a typing indicator.
    }
    for (const { listener } of listeners.get(channel) ?? []) listener(event);
  });

  return {
    async join(roomId, userId) {
      // JSON keeps the user id intact whatever characters it holds; the session id keeps tabs apart.
      const session: LiveSession = { key: roomKey(roomId), member: JSON.stringify([userId, 'online']) };
      sessions.add(session);
      await refresh(session).exec();
      let left = false;
      return {
        async leave() {
          if (left) return;
          left = true;
          sessions.delete(session);
          await redis.zrem(session.key, session.member);
        },
      };
    },

    async online(roomId) {
      const members = await redis.zrangebyscore(roomKey(roomId), `(${Date.now()}`, '+inf');
      const users = new Set(members.map((member) => (JSON.parse(member) as [string, string])[0]));
      return [...users].sort();
    },

    async setTyping(roomId, userId, typing) {
      const event: TypingEvent = { roomId, userId, typing };
      await redis.publish(typingChannel(roomId), JSON.stringify(event));
    },

    async onTyping(roomId, listener) {
      const channel = typingChannel(roomId);
      const entry: Listening = { listener };
      const forRoom = listeners.get(channel) ?? new Set<Listening>();
      forRoom.add(entry);
      listeners.set(channel, forRoom);
      // SUBSCRIBE to a channel this connection already has is harmless, and waits for the first one.
      await subscriber.subscribe(channel);
      return async () => {
        if (!forRoom.delete(entry) || forRoom.size > 0 || listeners.get(channel) !== forRoom) return;
        listeners.delete(channel);
        await subscriber.unsubscribe(channel);
      };
    },

    async close() {
      clearInterval(heartbeat);
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}
