// Mistake: lets a handler's failure escape the drain loop, which then stops for good with messages still waiting.
// Caught by: a message the handler fails on is counted, and the next ones are still handled
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
 * fit is dropped and counted. Redis Pub/Sub cannot be told to slow down, so the choice is where
 * the excess goes, and this makes it go away visibly instead of into memory.
 */
export async function startSubscriber(url: string, channel: string, limits: BufferLimits, handle: (message: string) => Promise<void>): Promise<BoundedSubscriber> {
  const subscriber = new Redis(url);
  const buffer: string[] = [];
  let bufferedBytes = 0;
  const counts = { received: 0, handled: 0, failed: 0, dropped: 0 };
  let draining = false;
  let closed = false;

  // One loop drains the buffer; it stops when the buffer is empty and the next message restarts it.
  const drain = async (): Promise<void> => {
    draining = true;
    for (let next = buffer.shift(); next !== undefined && !closed; next = buffer.shift()) {
      bufferedBytes -= Buffer.byteLength(next);
      await handle(next);
      counts.handled++;
    }
    draining = false;
  };

  subscriber.on('message', (_channel: string, message: string) => {
    counts.received++;
    const bytes = Buffer.byteLength(message);
    if (buffer.length >= limits.maxMessages || bufferedBytes + bytes > limits.maxBytes) {
      // A counter, not a log line per drop: at 10,000 drops a second the logging would be the next problem.
      counts.dropped++;
      return;
    }
    buffer.push(message);
    bufferedBytes += bytes;
    if (!draining) void drain();
  });
  await subscriber.subscribe(channel);

  return {
    stats: () => ({ ...counts, buffered: buffer.length, bufferedBytes }),
    async close() {
      closed = true;
      await subscriber.quit();
    },
  };
}
