// Mistake: the guide's bounded buffer: messages go in and nothing takes them out, so after the first maxMessages everything is dropped (with a log line each) and the handler never runs.
// Caught by: once the handler is free, the kept messages are handled in arrival order, and later messages flow again
// Caught by: while the handler is stuck, at most maxMessages wait, and every other message is counted as dropped, not logged
import { Redis } from 'ioredis';

export interface BufferLimits {
  /** Messages that may wait for the handler. */
  maxMessages: number;
  /** Bytes (UTF-8) those waiting messages may take together. */
  maxBytes: number;
}

export interface SubscriberStats {
  /** Messages that arrived from Redis. */
  received: number;
  /** Messages the handler finished, and those it failed on. */
  handled: number;
  failed: number;
  /** Messages turned away because the buffer was full. */
  dropped: number;
  /** Messages waiting for the handler now (not counting the one it is working on), and their bytes. */
  buffered: number;
  bufferedBytes: number;
}

export interface BoundedSubscriber {
  stats(): SubscriberStats;
  close(): Promise<void>;
}

/**
 * Hands every message on `channel` to `handle`, one at a time, in arrival order. Messages that
 * arrive while the handler is busy wait in a buffer that never grows past `limits`; what does not
 * fit is dropped and counted.
 */
export async function startSubscriber(url: string, channel: string, limits: BufferLimits, handle: (message: string) => Promise<void>): Promise<BoundedSubscriber> {
  const subscriber = new Redis(url);
  const buffer: string[] = [];
  const counts = { received: 0, handled: 0, failed: 0, dropped: 0 };

  subscriber.on('message', (_channel: string, message: string) => {
    counts.received++;
    if (buffer.length >= limits.maxMessages) {
      console.warn('Buffer full, dropping message');
      return;
    }
    buffer.push(message);
  });
  await subscriber.subscribe(channel);

  return {
    stats: () => ({ ...counts, buffered: buffer.length, bufferedBytes: buffer.reduce((sum, m) => sum + Buffer.byteLength(m), 0) }),
    async close() {
      await subscriber.quit();
    },
  };
}
