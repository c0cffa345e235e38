/**
 * A minimal RESP2 connection for the live console. ioredis answers a status reply (`+OK`) and a
 * bulk string (`$2 OK`) with the same JavaScript string, but redis-cli prints them differently
 * (`OK` vs `"OK"`); to print replies as redis-cli does, the console reads the protocol itself.
 * One command at a time is enough for a console; replies keep their RESP type.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export type RespValue =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  /** `text` as sent: a 64-bit integer may not fit a JavaScript number. */
  | { type: 'integer'; value: number; text: string }
  /** `value` decoded as UTF-8; `bytes` as sent, for printing exactly what the server holds. */
  | { type: 'bulk'; value: string; bytes: Buffer }
  | { type: 'nil' }
  | { type: 'nil-array' }
  | { type: 'array'; items: RespValue[] };

/** Encodes one command as a RESP array of bulk strings (what every client sends). */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Raised when the bytes are not RESP2 (e.g. the server switched to RESP3). */
export class RespProtocolError extends Error {}

/**
 * Parses one reply from `buffer` at `offset`. Returns the value and where it ended, or undefined
 * when the buffer does not hold a whole reply yet.
 */
export function parseReply(buffer: Buffer, offset = 0): { value: RespValue; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const kind = String.fromCharCode(buffer[offset] as number);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (kind) {
    case '+':
      return { value: { type: 'status', value: line }, end: next };
    case '-':
      return { value: { type: 'error', value: line }, end: next };
    case ':':
      return { value: { type: 'integer', value: Number(line), text: line }, end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: { type: 'nil' }, end: next };
      if (buffer.length < next + length + 2) return undefined;
      const bytes = Buffer.from(buffer.subarray(next, next + length));
      return { value: { type: 'bulk', value: bytes.toString('utf8'), bytes }, end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: { type: 'nil-array' }, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: { type: 'array', items }, end: at };
    }
    default:
      throw new RespProtocolError(`unexpected reply type "${kind}" (the console speaks RESP2)`);
  }
}

export interface RespConnection {
  /** Sends one command and resolves with its reply (an error reply is a value, not a rejection). */
  send(args: readonly string[]): Promise<RespValue>;
  close(): void;
  readonly closed: boolean;
  /**
   * Hands `listener` every reply no command waits for: after MONITOR, the server sends a line per
   * command it runs. (One listener; a later call replaces it.)
   */
  onUnrequested(listener: (value: RespValue) => void): void;
}

/**
 * Opens a connection to `url` (redis:// or rediss://, with the user, password and database it
 * names), authenticated and on that database. Rejects when the server cannot be reached.
 */
export async function openResp(url: string, timeoutMs = 3_000): Promise<RespConnection> {
  const parsed = new URL(url);
  const port = Number(parsed.port || 6379);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const socket: Socket = parsed.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${host}:${port} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

  const waiting: Array<{ resolve: (value: RespValue) => void; reject: (error: Error) => void }> = [];
  let pending: Buffer = Buffer.alloc(0);
  let closed = false;
  let unrequested: ((value: RespValue) => void) | undefined;
  const failAll = (error: Error): void => {
    closed = true;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    try {
      for (;;) {
        const reply = parseReply(pending);
        if (!reply) break;
        pending = pending.subarray(reply.end);
        const waiter = waiting.shift();
        if (waiter) waiter.resolve(reply.value);
        else unrequested?.(reply.value);
      }
    } catch (error) {
      socket.destroy();
      failAll(error as Error);
    }
  });
  socket.on('error', (error) => failAll(error));
  socket.on('close', () => failAll(new Error('the connection to Redis closed')));

  const connection: RespConnection = {
    send(args) {
      if (closed) return Promise.reject(new Error('the connection to Redis is closed'));
      return new Promise<RespValue>((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(encodeCommand(args));
      });
    },
    close() {
      closed = true;
      socket.destroy();
    },
    get closed() {
      return closed;
    },
    onUnrequested(listener) {
      unrequested = listener;
    },
  };

  // What the URL asks for, as ioredis would do it: AUTH, then SELECT.
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const database = parsed.pathname.replace(/^\//, '');
  const setup: string[][] = [];
  if (password) setup.push(username ? ['AUTH', username, password] : ['AUTH', password]);
  if (database && database !== '0') setup.push(['SELECT', database]);
  for (const command of setup) {
    const reply = await connection.send(command);
    if (reply.type === 'error') {
      connection.close();
      throw new Error(`${command[0]} failed: ${reply.value}`);
    }
  }
  return connection;
}
