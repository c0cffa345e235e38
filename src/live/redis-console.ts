/**
 * The live page's Redis console: one command at a time on the session's Redis, the reply printed
 * as redis-cli prints it. Commands that would hold the connection (subscribing, blocking reads,
 * MONITOR) are refused with a pointer to the live tail. On a server the workbook did not start
 * (REDIS_URL) the commands that could hurt someone else's data or server are refused, each with
 * one line that says why and what to do instead.
 */
import { ActionRefusal } from './action-refusal.ts';
import type { RedisCommandReply, RedisReply } from './protocol.ts';
import { CommandLineError, parseCommandLine } from './redis-command-line.ts';
import { openResp, type RespConnection, type RespValue } from './resp.ts';

const TAIL = 'use the live tail on the broker page instead (it shows what is published or added as it happens)';

/** Refused everywhere: they would hold the console's one connection, or end the session's server. */
const HOLDS_THE_CONNECTION: Record<string, string> = {
  SUBSCRIBE: `SUBSCRIBE turns the connection into a subscriber that only waits for messages: ${TAIL}.`,
  PSUBSCRIBE: `PSUBSCRIBE turns the connection into a subscriber that only waits for messages: ${TAIL}.`,
  SSUBSCRIBE: `SSUBSCRIBE turns the connection into a subscriber that only waits for messages: ${TAIL}.`,
  UNSUBSCRIBE: 'The console never subscribes, so there is nothing to unsubscribe from.',
  PUNSUBSCRIBE: 'The console never subscribes, so there is nothing to unsubscribe from.',
  SUNSUBSCRIBE: 'The console never subscribes, so there is nothing to unsubscribe from.',
  MONITOR: `MONITOR streams every command the server runs and never returns: run \`redis-cli monitor\` in a terminal, or ${TAIL}.`,
  BLPOP: 'BLPOP waits until an element arrives and would hold the console: use LPOP, which answers at once.',
  BRPOP: 'BRPOP waits until an element arrives and would hold the console: use RPOP, which answers at once.',
  BLMOVE: 'BLMOVE waits until an element arrives and would hold the console: use LMOVE, which answers at once.',
  BRPOPLPUSH: 'BRPOPLPUSH waits until an element arrives and would hold the console: use LMOVE, which answers at once.',
  BLMPOP: 'BLMPOP waits until an element arrives and would hold the console: use LMPOP, which answers at once.',
  BZPOPMIN: 'BZPOPMIN waits until an element arrives and would hold the console: use ZPOPMIN, which answers at once.',
  BZPOPMAX: 'BZPOPMAX waits until an element arrives and would hold the console: use ZPOPMAX, which answers at once.',
  BZMPOP: 'BZMPOP waits until an element arrives and would hold the console: use ZMPOP, which answers at once.',
  WAIT: 'WAIT blocks until replicas acknowledge; the console answers one command at a time and does not wait on replicas.',
  WAITAOF: 'WAITAOF blocks until the AOF is synced; the console does not wait on persistence.',
  SYNC: 'SYNC starts a replication stream, which is not a reply the console can print.',
  PSYNC: 'PSYNC starts a replication stream, which is not a reply the console can print.',
  QUIT: 'The console keeps its connection; there is nothing to quit (close the page instead).',
};

/** Refused on a server the workbook did not start: someone else's data and server. */
const NOT_ON_A_SHARED_SERVER: Record<string, string> = {
  FLUSHALL: 'FLUSHALL would delete every key on that server, other people\'s included',
  FLUSHDB: 'FLUSHDB would delete every key of the database, other people\'s included',
  SHUTDOWN: 'SHUTDOWN would stop that server for everyone using it',
  CONFIG: 'CONFIG reads and changes the whole server\'s settings',
  DEBUG: 'DEBUG can crash, freeze or corrupt the server',
  'SCRIPT KILL': 'SCRIPT KILL stops a script someone else is running',
  'SCRIPT FLUSH': 'SCRIPT FLUSH deletes everyone\'s cached scripts',
  'FUNCTION FLUSH': 'FUNCTION FLUSH deletes every library of functions on the server',
  REPLICAOF: 'REPLICAOF would turn that server into a replica of another, discarding its data',
  SLAVEOF: 'SLAVEOF would turn that server into a replica of another, discarding its data',
  ACL: 'ACL reads and changes who may do what on that server',
  MODULE: 'MODULE loads native code into that server',
  KEYS: 'KEYS walks every key in one go and blocks the server meanwhile; use SCAN 0 MATCH <pattern> COUNT 100, which does the same in steps',
  'CLIENT KILL': 'CLIENT KILL closes other people\'s connections',
  FAILOVER: 'FAILOVER hands the server\'s role to a replica',
};

/** The one-line reason `args` is refused, or undefined when the console may run it. */
export function refusalFor(args: readonly string[], options: { embedded: boolean }): string | undefined {
  const command = (args[0] ?? '').toUpperCase();
  const sub = (args[1] ?? '').toUpperCase();
  const held = HOLDS_THE_CONNECTION[command];
  if (held) return held;
  if ((command === 'XREAD' || command === 'XREADGROUP') && blocks(args)) {
    return `${command} with BLOCK waits for new entries and would hold the console: leave BLOCK out to read what is there now, or ${TAIL}.`;
  }
  if (command === 'HELLO' && sub !== '' && sub !== '2') return 'The console speaks RESP2, like redis-cli by default: use HELLO 2, or leave HELLO out.';
  if (command === 'CLIENT' && sub === 'TRACKING') return 'CLIENT TRACKING sends invalidation messages the console could not show; try it with redis-cli in a terminal.';
  if (command === 'SHUTDOWN' && options.embedded) {
    return 'SHUTDOWN would stop the Redis server of this session, which your exercises and the live view use: quit `npm start` (q or Ctrl-C) to stop it.';
  }
  if (options.embedded) return undefined;
  const why = NOT_ON_A_SHARED_SERVER[`${command} ${sub}`] ?? NOT_ON_A_SHARED_SERVER[command];
  if (why) {
    return `${why}. The workbook did not start this server (REDIS_URL), so the console will not run ${command}: use redis-cli yourself if you mean it.`;
  }
  return undefined;
}

/** XREAD/XREADGROUP options come before STREAMS; a key or id named BLOCK after it is not the option. */
function blocks(args: readonly string[]): boolean {
  const streams = args.findIndex((a, i) => i > 0 && a.toUpperCase() === 'STREAMS');
  const options = streams < 0 ? args.slice(1) : args.slice(1, streams);
  return options.some((a) => a.toUpperCase() === 'BLOCK');
}

// ---------------------------------------------------------------- printing, as redis-cli does

/** A bulk string as redis-cli's sdscatrepr shows it: quoted, bytes outside printable ASCII escaped. */
function quoted(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (byte >= 0x20 && byte <= 0x7e) out += c;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** redis-cli's reply as printed on a terminal (cliFormatReplyTTY), without the final newline. */
export function printReply(value: RespValue): string {
  return format(value, '').replace(/\n$/, '');
}

function format(value: RespValue, prefix: string): string {
  switch (value.type) {
    case 'status':
      return `${value.value}\n`;
    case 'error':
      return `(error) ${value.value}\n`;
    case 'integer':
      return `(integer) ${value.text}\n`;
    case 'bulk':
      return `${quoted(value.bytes)}\n`;
    case 'nil':
    case 'nil-array':
      return '(nil)\n';
    case 'array': {
      if (value.items.length === 0) return '(empty array)\n';
      const width = String(value.items.length).length;
      const nested = prefix + ' '.repeat(width + 2);
      return value.items
        .map((item, i) => `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}) ${format(item, nested)}`)
        .join('');
    }
  }
}

/** The reply as data for the page: errors as `{ error }`, nil as null. */
export function replyData(value: RespValue): RedisReply {
  switch (value.type) {
    case 'status':
    case 'bulk':
      return value.value;
    case 'error':
      return { error: value.value };
    case 'integer':
      return value.value;
    case 'nil':
    case 'nil-array':
      return null;
    case 'array':
      return value.items.map(replyData);
  }
}

// ---------------------------------------------------------------- the console

export interface RedisConsoleOptions {
  /** The session's Redis (resolved when the first command comes: the broker may still be starting). */
  redis: () => Promise<{ url: string; embedded: boolean }>;
  /** How long one reply may take before the connection is dropped (DEBUG SLEEP, a huge reply). */
  replyTimeoutMs?: number;
  /** The connection is closed after this long without a command: an idle page costs the server nothing. */
  idleMs?: number;
}

export interface RedisConsole {
  /** Runs one command given as words, or as a line redis-cli would read; throws ActionRefusal. */
  run(request: { args?: string[]; line?: string }): Promise<RedisCommandReply>;
  close(): void;
}

/** The name the console's connection has in CLIENT LIST, so a learner can tell it apart. */
export const CONSOLE_CLIENT_NAME = 'workbook-console';

export function redisConsole(options: RedisConsoleOptions): RedisConsole {
  const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  const idleMs = options.idleMs ?? 120_000;
  let connection: Promise<RespConnection> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  // One command at a time, in the order they came: a console is a conversation.
  let queue: Promise<unknown> = Promise.resolve();

  const drop = (): void => {
    const current = connection;
    connection = undefined;
    void current?.then((c) => c.close(), () => {});
  };

  const open = (url: string): Promise<RespConnection> => {
    if (connection) return connection;
    const opening = openResp(url).then(async (c) => {
      await c.send(['CLIENT', 'SETNAME', CONSOLE_CLIENT_NAME]);
      return c;
    });
    connection = opening;
    opening.catch(() => {
      if (connection === opening) connection = undefined;
    });
    return opening;
  };

  const runOne = async (args: string[]): Promise<RedisCommandReply> => {
    const server = await options.redis();
    const refusal = refusalFor(args, server);
    if (refusal) throw new ActionRefusal(refusal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ActionRefusal(`No reply within ${replyTimeoutMs / 1000} s: the console dropped its connection (the next command opens a new one).`, 503)), replyTimeoutMs);
    });
    const connected = (async () => {
      try {
        const conn = await open(server.url);
        if (!conn.closed) return conn;
        drop();
        return await open(server.url);
      } catch (error) {
        throw new ActionRefusal(`Redis at ${server.url} cannot be reached (${(error as Error).message}).`, 503);
      }
    })();
    // When the deadline wins, a late failure to connect has nobody to tell.
    connected.catch(() => {});
    try {
      const value = await Promise.race([connected.then((conn) => conn.send(args)), deadline]);
      return { printed: printReply(value), reply: replyData(value) };
    } catch (error) {
      drop();
      if (error instanceof ActionRefusal) throw error;
      throw new ActionRefusal(`The connection to Redis failed (${(error as Error).message}); the next command opens a new one.`, 503);
    } finally {
      clearTimeout(timer);
      clearTimeout(idleTimer);
      idleTimer = setTimeout(drop, idleMs);
      idleTimer.unref();
    }
  };

  return {
    run(request) {
      let args: string[];
      try {
        args = request.args ?? parseCommandLine(request.line ?? '');
      } catch (error) {
        if (error instanceof CommandLineError) return Promise.reject(new ActionRefusal(error.message, 400));
        throw error;
      }
      if (args.length === 0 || args[0] === '') return Promise.reject(new ActionRefusal('Type a command, e.g. PING or XADD orders * id 1.', 400));
      const result = queue.then(() => runOne(args));
      queue = result.catch(() => {});
      return result;
    },
    close() {
      clearTimeout(idleTimer);
      drop();
    },
  };
}
