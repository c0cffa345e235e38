/**
 * One client connection: splits the byte stream into size-prefixed frames and answers them one at a
 * time, in order, as Kafka does (a parked Fetch or JoinGroup holds back later requests on the same
 * connection). Memory stays bounded: frame sizes are checked before any byte of the body arrives,
 * bodies are only assembled from bytes really received, and reading pauses while a request is in
 * progress or the client is not reading its responses.
 *
 * Anything wrong with a frame closes this connection with exactly one log line; other connections
 * never notice.
 */
import type { Socket } from 'node:net';
import { versionRange } from './api-versions.ts';
import { describeError } from '../../harness/errors.ts';
import type { BrokerNode, Cluster } from './cluster.ts';
import type { RequestContext, ResponseBody } from './context.ts';
import { HANDLERS } from './dispatch.ts';
import { unsupportedApiVersions } from './handlers/api-versions.ts';
import { ApiKey, apiName } from './protocol/api-keys.ts';
import { MalformedRequestError, Reader } from './protocol/reader.ts';
import { Writer } from './protocol/writer.ts';

/** Kafka's socket.request.max.bytes default. */
export const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
/** api key, api version, correlation id. */
const MIN_REQUEST_BYTES = 8;
/** How long a closed connection may take to flush its last answers. */
const LINGER_MS = 1_000;

export interface ConnectionSettings {
  cluster: Cluster;
  broker: BrokerNode;
  log: (line: string) => void;
}

export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled, -1 while its 4-byte prefix is still awaited. */
  private frameSize = -1;
  /** Complete frames in arrival order; a string is a fatal problem, reached after the frames before it. */
  private readonly frames: Array<Buffer | string> = [];
  /** Set once a fatal problem is queued: nothing after it is read. */
  private poisoned = false;
  private processing = false;
  private corked = false;
  private ended = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly peer: string;

  constructor(
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    // Resets and aborted connections are ordinary client behaviour, not worth a log line.
    socket.on('error', () => this.close());
    socket.on('close', () => this.stop());
  }

  /** Drops the connection at once, without a log line (broker stopping, client gone). */
  close(): void {
    this.stop();
    this.socket.destroy();
  }

  /** Stops reading; answers already written still reach the client before the FIN. */
  private finish(reason?: string): void {
    if (this.closed) return;
    if (reason) this.settings.log(`kafka broker ${this.settings.broker.nodeId}: closed connection from ${this.peer}: ${reason}`);
    this.stop();
    this.socket.end();
    this.socket.resume(); // read (and ignore) the rest, so the client's FIN completes the close
    // A client that never reads its answers must not keep the socket alive.
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort('connection closed');
    this.frames.length = 0;
    this.chunks = [];
    this.buffered = 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.poisoned) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (true) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < MIN_REQUEST_BYTES || size > MAX_REQUEST_BYTES) {
          // Refused before a single byte of it is awaited; requests already received are answered first.
          this.poison(
            size > MAX_REQUEST_BYTES
              ? `request of ${size} bytes exceeds the ${MAX_REQUEST_BYTES}-byte limit (socket.request.max.bytes)`
              : `request size ${size} is too small to hold a request header`,
          );
          break;
        }
        this.frameSize = size;
      }
      if (this.buffered < this.frameSize) break;
      this.frames.push(this.take(this.frameSize));
      this.frameSize = -1;
    }
    if (this.frames.length > 0) void this.drain();
  }

  private poison(reason: string): void {
    this.poisoned = true;
    this.frames.push(reason);
    this.chunks = [];
    this.buffered = 0;
    this.frameSize = -1;
  }

  /**
   * The client half-closed. Requests it already sent are still answered, but nothing waits any more
   * (parked fetches answer at once, parked joins are dropped); then the connection closes.
   */
  private onEnd(): void {
    this.ended = true;
    this.abort.abort('client hung up');
    if (!this.processing) this.endOfInput();
  }

  private endOfInput(): void {
    if (this.buffered > 0 || this.frameSize >= 0) {
      const expected = this.frameSize >= 0 ? `${this.frameSize}-byte request` : 'request size';
      this.finish(`client closed the connection with ${this.buffered} bytes of a ${expected} unread`);
    } else {
      this.finish();
    }
  }

  /** Removes `bytes` from the front of the buffered chunks (a view when they sit in one chunk). */
  private take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    let taken: Buffer;
    if (first.length >= bytes) {
      taken = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      taken = Buffer.allocUnsafe(bytes);
      let filled = 0;
      while (filled < bytes) {
        const chunk = this.chunks[0]!;
        const used = Math.min(chunk.length, bytes - filled);
        chunk.copy(taken, filled, 0, used);
        filled += used;
        if (used === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(used);
      }
    }
    this.buffered -= bytes;
    return taken;
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    this.socket.pause();
    try {
      while (this.frames.length > 0 && !this.closed) {
        const frame = this.frames.shift()!;
        if (typeof frame === 'string') {
          this.finish(frame);
          break;
        }
        await this.handle(frame);
        if (this.socket.writableNeedDrain && !this.closed) await this.writable();
      }
    } catch (error) {
      this.finish(`internal error: ${describeError(error)}`);
    } finally {
      this.processing = false;
    }
    if (this.closed) return;
    if (this.ended) this.endOfInput();
    else this.socket.resume();
  }

  /** Answers produced in the same tick (pipelined requests) leave in one write, not one syscall each. */
  private write(response: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(response);
  }

  /** The client reads slowly: stop answering until its socket buffer drains (or it goes away). */
  private writable(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private async handle(frame: Buffer): Promise<void> {
    const reader = new Reader(frame);
    const apiKey = reader.int16();
    const apiVersion = reader.int16();
    const correlationId = reader.int32();
    let clientId: string;
    try {
      clientId = reader.nullableString() ?? '';
    } catch (error) {
      this.finish(`malformed request header: ${describeError(error)}`);
      return;
    }
    const range = versionRange(apiKey);
    if (!range) {
      this.finish(`unknown API key ${apiKey}`);
      return;
    }
    const name = apiName(apiKey);
    let body: ResponseBody;
    if (apiVersion < range.min || apiVersion > range.max) {
      if (apiKey !== ApiKey.ApiVersions || apiVersion < range.min) {
        this.finish(`unsupported ${name} version ${apiVersion} (this broker speaks ${range.min}-${range.max})`);
        return;
      }
      body = unsupportedApiVersions();
    } else {
      const context: RequestContext = {
        cluster: this.settings.cluster,
        broker: this.settings.broker,
        apiVersion,
        clientId,
        clientHost: `/${this.socket.remoteAddress ?? ''}`,
        hungUp: this.abort.signal,
      };
      try {
        body = await HANDLERS[range.key](reader, context);
      } catch (error) {
        this.finish(
          error instanceof MalformedRequestError
            ? `malformed ${name} v${apiVersion} request: ${error.message}`
            : `internal error in ${name} v${apiVersion}: ${describeError(error)}`,
        );
        return;
      }
    }
    if (body === null || this.closed) return;
    try {
      const writer = new Writer();
      writer.int32(0).int32(correlationId);
      body(writer);
      writer.patchInt32(0, writer.size - 4);
      this.write(writer.finish());
    } catch (error) {
      this.finish(`internal error encoding the ${name} v${apiVersion} response: ${describeError(error)}`);
    }
  }
}
