/**
 * A bare Kafka protocol client for tests that must say things kafkajs never says: a request to the
 * wrong broker, a fetch with exact byte limits, a malformed frame.
 */
import { Socket, connect } from 'node:net';
import { Reader } from '../protocol/reader.ts';
import { Writer } from '../protocol/writer.ts';

export class RawClient {
  private correlationId = 0;
  private buffered = Buffer.alloc(0);
  private readonly waiting = new Map<number, { resolve: (body: Reader) => void; reject: (error: Error) => void }>();
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('connection closed'));
      this.waiting.clear();
    });
  }

  static connect(address: string): Promise<RawClient> {
    const [host, port] = splitAddress(address);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request (header v1) and resolves with the response body after its correlation id. */
  request(apiKey: number, apiVersion: number, body: (w: Writer) => void, clientId = 'raw-client'): Promise<Reader> {
    const correlationId = this.correlationId++;
    const response = new Promise<Reader>((resolve, reject) => this.waiting.set(correlationId, { resolve, reject }));
    this.socket.write(encodeRequest(apiKey, apiVersion, correlationId, body, clientId));
    return response;
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  send(apiKey: number, apiVersion: number, body: (w: Writer) => void): void {
    this.socket.write(encodeRequest(apiKey, apiVersion, this.correlationId++, body, 'raw-client'));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const reader = new Reader(frame);
      const correlationId = reader.int32();
      this.waiting.get(correlationId)?.resolve(reader);
      this.waiting.delete(correlationId);
    }
  }
}

export function encodeRequest(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void, clientId = 'raw-client'): Buffer {
  const w = new Writer();
  w.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId);
  body(w);
  w.patchInt32(0, w.size - 4);
  return Buffer.from(w.finish());
}

export function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
