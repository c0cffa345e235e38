// Mistake: the guide's catch drops a message that cannot be decoded without telling anyone.
// Caught by: a message that cannot be decoded is reported, and later messages still arrive
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { Redis } from 'ioredis';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export interface CompressionOptions {
  /** Messages whose JSON is larger than this many bytes are compressed. Default 1024. */
  thresholdBytes?: number;
  /** Told about a message that could not be decoded; later messages still arrive. */
  onError?: (error: unknown, channel: string) => void;
}

/** What publish() put on the wire. */
export interface PublishReport {
  /** Size of the published message in bytes. */
  bytes: number;
  compressed: boolean;
}

export type MessageHandler = (message: unknown) => void;

export interface CompressedPubSub {
  /** Publishes any JSON-serialisable value; resolves once Redis has it. */
  publish(channel: string, message: unknown): Promise<PublishReport>;
  /** Resolves once Redis has confirmed the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every gzip stream starts with these two bytes, and JSON text never does (it starts with
 * whitespace, `{`, `[`, `"`, a digit, `-`, `t`, `f` or `n`). So the bytes themselves say which
 * is which: no flag inside the message, and small messages stay plain JSON any subscriber can read.
 */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export function createCompressedPubSub(url: string, options: CompressionOptions = {}): CompressedPubSub {
  const threshold = options.thresholdBytes ?? 1024;
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const handlers = new Map<string, MessageHandler[]>();

  const decode = async (payload: Buffer): Promise<unknown> => {
    const isGzip = payload.subarray(0, 2).equals(GZIP_MAGIC);
    const json = isGzip ? await gunzip(payload) : payload;
    return JSON.parse(json.toString('utf8'));
  };

  // Decoding takes a moment for compressed messages only; chaining keeps a small message from
  // overtaking the large one published before it.
  let decoded: Promise<void> = Promise.resolve();
  // 'messageBuffer' hands over the bytes as Redis holds them; 'message' would turn them into UTF-8 text
  // first, which mangles every byte sequence that is not valid UTF-8, as compressed data rarely is.
  subscriber.on('messageBuffer', (channelBytes: Buffer, payload: Buffer) => {
    const channel = channelBytes.toString('utf8');
    const message = decode(payload);
    message.catch(() => {}); // handled in turn below; this only stops Node calling it unhandled meanwhile
    decoded = decoded.then(async () => {
      try {
        const value = await message;
        for (const handler of handlers.get(channel) ?? []) handler(value);
      } catch {
        // not one of ours
      }
    });
  });

  return {
    async publish(channel, message) {
      const plain = Buffer.from(JSON.stringify(message), 'utf8');
      // Buffer length: the threshold is about bytes on the wire, and "€" alone is three of them.
      let payload = plain;
      if (plain.length > threshold) {
        const packed = await gzip(plain);
        // Data that is already compressed (or random) can come out bigger: then send it as it was.
        if (packed.length < plain.length) payload = packed;
      }
      await publisher.publish(channel, payload);
      return { bytes: payload.length, compressed: payload !== plain };
    },

    async subscribe(channel, handler) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), handler]);
      await subscriber.subscribe(channel);
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
