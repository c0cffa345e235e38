/**
 * Redis MONITOR for tests, read from the protocol directly.
 *
 * Why not ioredis's `monitor()`: it switches into monitoring mode only after the MONITOR reply has
 * been handled, a microtask later. When the server's `+OK` and the first monitored line arrive in
 * one TCP read, that line is taken for the reply to a command nobody sent, and ioredis raises
 * "Command queue state error" (seen in CI when another client's QUIT landed right then).
 */
import { onTestFinished } from 'vitest';
import { openResp, type RespValue } from '../live/resp.ts';
import { redisUrl } from './redis.ts';

/** One command as MONITOR reported it. */
export interface MonitorLine {
  /** `1796549792.603735`: seconds since the epoch, as the server wrote it. */
  time: string;
  /** The client's address (`127.0.0.1:54190`), `lua` for a script, or `unix:<path>`. */
  source: string;
  /** The command name as sent, then its arguments, unescaped. */
  args: string[];
}

/**
 * Starts MONITOR on a connection of its own and calls `onLine` for each command the server runs
 * from then on. Resolves once the server has said OK; stopped when the current test finishes.
 */
export async function monitorServer(onLine: (line: MonitorLine) => void): Promise<void> {
  const connection = await openResp(redisUrl());
  onTestFinished(() => connection.close());
  connection.onUnrequested((value) => {
    if (value.type !== 'status') return;
    const line = parseMonitorLine(value.value);
    if (line) onLine(line);
  });
  const reply = await connection.send(['MONITOR']);
  if (reply.type !== 'status') {
    connection.close();
    throw new Error(`MONITOR was refused: ${describe(reply)}`);
  }
}

/** `1796549792.603735 [0 127.0.0.1:54190] "set" "k" "v"` as its parts; undefined if it is not one. */
export function parseMonitorLine(text: string): MonitorLine | undefined {
  const header = /^(\S+) \[\d+ ([^\]]+)\] /.exec(text);
  if (!header) return undefined;
  const [whole, time = '', source = ''] = header;
  return { time, source, args: parseQuotedArgs(text.slice(whole.length)) };
}

/**
 * The server writes each argument in double quotes with C-style escapes (`sdscatrepr`): \\ \" \n
 * \r \t \a \b and \xHH for any other byte that is not printable, so UTF-8 text arrives byte by byte.
 */
function parseQuotedArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    const bytes: number[] = [];
    i++;
    while (i < text.length && text[i] !== '"') {
      const char = text[i] as string;
      if (char !== '\\') {
        bytes.push(...Buffer.from(char, 'utf8'));
        i++;
        continue;
      }
      const escaped = text[i + 1] ?? '';
      if (escaped === 'x') {
        bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      bytes.push((ESCAPES[escaped] ?? escaped).charCodeAt(0));
      i += 2;
    }
    args.push(Buffer.from(bytes).toString('utf8'));
    i++;
  }
  return args;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };

function describe(reply: RespValue): string {
  return 'value' in reply ? String(reply.value) : reply.type;
}
