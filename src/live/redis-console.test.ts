import { type AddressInfo, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { connect, redisUrl, unique } from '#testing/redis';
import { parseCommandLine } from './redis-command-line.ts';
import { ActionRefusal } from './action-refusal.ts';
import { CONSOLE_CLIENT_NAME, redisConsole, refusalFor, type RedisConsole } from './redis-console.ts';

describe('reading a line as redis-cli does', () => {
  it('splits words and keeps quoted spaces, escapes and empty strings', () => {
    expect(parseCommandLine('  SET  key   value ')).toEqual(['SET', 'key', 'value']);
    expect(parseCommandLine('SET "my key" \'it\\\'s\'')).toEqual(['SET', 'my key', "it's"]);
    expect(parseCommandLine('ECHO "a\\nb\\t\\"c\\" \\x41"')).toEqual(['ECHO', 'a\nb\t"c" A']);
    expect(parseCommandLine("ECHO 'a\\nb'")).toEqual(['ECHO', 'a\\nb']);
    expect(parseCommandLine('SET k ""')).toEqual(['SET', 'k', '']);
    expect(parseCommandLine('SET foo"bar baz" x')).toEqual(['SET', 'foobar baz', 'x']);
  });

  it('refuses unbalanced quotes and a quote glued to the next word, saying what to fix', () => {
    expect(() => parseCommandLine('SET "key value')).toThrow(/Unbalanced double quote/);
    expect(() => parseCommandLine("SET 'key value")).toThrow(/Unbalanced single quote/);
    expect(() => parseCommandLine('SET "a"b c')).toThrow(/must be followed by a space/);
  });
});

describe('what the console refuses', () => {
  const shared = { embedded: false };
  const own = { embedded: true };

  it.each([
    [['SUBSCRIBE', 'orders'], /live tail/],
    [['psubscribe', 'orders.*'], /live tail/],
    [['SSUBSCRIBE', 'orders'], /live tail/],
    [['MONITOR'], /redis-cli monitor/],
    [['BLPOP', 'jobs', '0'], /use LPOP/],
    [['BZPOPMIN', 'z', '0'], /use ZPOPMIN/],
    [['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'], /leave BLOCK out/],
    [['XREADGROUP', 'GROUP', 'g', 'c', 'block', '100', 'STREAMS', 's', '>'], /leave BLOCK out/],
    [['HELLO', '3'], /RESP2/],
    [['SHUTDOWN', 'NOSAVE'], /quit `npm start`/],
  ])('%j on the session\'s own server', (args, reason) => {
    expect(refusalFor(args, own)).toMatch(reason);
  });

  it.each([['FLUSHALL'], ['FLUSHDB', 'ASYNC'], ['SHUTDOWN'], ['CONFIG', 'SET', 'maxmemory', '1'], ['CONFIG', 'GET', '*'], ['DEBUG', 'SLEEP', '1'], ['SCRIPT', 'KILL'], ['REPLICAOF', '127.0.0.1', '1'], ['SLAVEOF', 'NO', 'ONE'], ['ACL', 'LIST'], ['MODULE', 'LIST'], ['KEYS', '*']])(
    '%s on a server the workbook did not start, with why in one line',
    (...args) => {
      const reason = refusalFor(args, shared);
      expect(reason).toMatch(/did not start this server \(REDIS_URL\)/);
      expect(reason).not.toContain('\n');
    },
  );

  it('lets the same commands through on its own server, and harmless ones everywhere', () => {
    for (const args of [['FLUSHALL'], ['CONFIG', 'GET', 'maxmemory'], ['KEYS', '*'], ['SCRIPT', 'KILL'], ['DEBUG', 'OBJECT', 'k']]) expect(refusalFor(args, own)).toBeUndefined();
    for (const args of [['XREAD', 'COUNT', '10', 'STREAMS', 'BLOCK', '0'], ['SCRIPT', 'LOAD', 'return 1'], ['GET', 'k'], ['XADD', 's', '*', 'f', 'v']]) expect(refusalFor(args, shared)).toBeUndefined();
  });

  it('KEYS on a shared server points to SCAN', () => {
    expect(refusalFor(['keys', 'user:*'], shared)).toMatch(/SCAN 0 MATCH/);
  });
});

describe('the console against a real Redis', () => {
  let console_: RedisConsole | undefined;
  afterEach(() => console_?.close());
  const open = (embedded: boolean): RedisConsole => (console_ = redisConsole({ redis: async () => ({ url: redisUrl(), embedded }) }));

  it('prints replies as redis-cli does: status, bulk, integer, nil, errors, nested arrays', async () => {
    const cli = open(true);
    const key = unique('console');
    expect(await cli.run({ line: `SET ${key} "hello world"` })).toEqual({ printed: 'OK', reply: 'OK' });
    expect((await cli.run({ args: ['GET', key] })).printed).toBe('"hello world"');
    expect((await cli.run({ args: ['SET', key, 'caf\u00e9\n'] })).printed).toBe('OK');
    expect((await cli.run({ args: ['GET', key] })).printed).toBe('"caf\\xc3\\xa9\\n"');
    expect(await cli.run({ line: `INCR ${key}:n` })).toEqual({ printed: '(integer) 1', reply: 1 });
    expect(await cli.run({ line: `GET ${key}:missing` })).toEqual({ printed: '(nil)', reply: null });
    // 64-bit integers are printed exactly, as redis-cli does (a JavaScript number would round this one).
    expect((await cli.run({ line: `INCRBY ${key}:big 9007199254740993` })).printed).toBe('(integer) 9007199254740993');
    const wrong = await cli.run({ line: `LPUSH ${key} x` });
    expect(wrong.printed).toMatch(/^\(error\) WRONGTYPE/);
    expect(wrong.reply).toEqual({ error: expect.stringMatching(/^WRONGTYPE/) as string });
    expect((await cli.run({ line: `LRANGE ${key}:empty 0 -1` })).printed).toBe('(empty array)');

    const stream = unique('console-stream');
    const id = (await cli.run({ line: `XADD ${stream} 1-1 id 1 item "a b"` })).reply;
    expect(id).toBe('1-1');
    for (let i = 2; i <= 10; i++) await cli.run({ args: ['XADD', stream, `1-${i}`, 'n', String(i)] });
    expect((await cli.run({ line: `XRANGE ${stream} - + COUNT 1` })).printed).toBe(['1) 1) "1-1"', '   2) 1) "id"', '      2) "1"', '      3) "item"', '      4) "a b"'].join('\n'));
    // Ten entries: indexes are right-aligned and nested lines indent past the widest index.
    const printed = (await cli.run({ line: `XRANGE ${stream} - +` })).printed.split('\n');
    expect(printed[0]).toBe(' 1) 1) "1-1"');
    expect(printed[1]).toBe('    2) 1) "id"');
    expect(printed.at(-3)).toBe('10) 1) "1-10"');
    expect(printed.at(-1)).toBe('       2) "10"');
  });

  it('runs an XADD that a test client then reads from the stream', async () => {
    const cli = open(true);
    const stream = unique('orders');
    const { reply } = await cli.run({ line: `XADD ${stream} * id 42 status "paid in full"` });
    const redis = connect();
    const entries = await redis.xrange(stream, '-', '+');
    expect(entries).toEqual([[reply, ['id', '42', 'status', 'paid in full']]]);
  });

  it('refuses before sending: a shared server keeps its keys after FLUSHALL is asked for', async () => {
    const cli = open(false);
    const key = unique('kept');
    const redis = connect();
    await redis.set(key, 'v');
    await expect(cli.run({ line: 'FLUSHALL' })).rejects.toThrow(ActionRefusal);
    await expect(cli.run({ line: 'flushall' })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/FLUSHALL would delete every key/) as string });
    await expect(cli.run({ args: ['SUBSCRIBE', 'x'] })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/live tail/) as string });
    expect(await redis.get(key)).toBe('v');
    // Still usable after refusals.
    expect((await cli.run({ line: 'PING' })).printed).toBe('PONG');
  });

  it('answers bad lines with 400 and what to type', async () => {
    const cli = open(true);
    await expect(cli.run({ line: '   ' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/Type a command/) as string });
    await expect(cli.run({ line: 'SET "k v' })).rejects.toMatchObject({ status: 400 });
  });

  it('names its one connection in CLIENT LIST, keeps MULTI state like redis-cli, and closes it when told', async () => {
    const cli = open(true);
    const key = unique('tx');
    expect((await cli.run({ line: 'MULTI' })).printed).toBe('OK');
    expect((await cli.run({ line: `INCR ${key}` })).printed).toBe('QUEUED');
    expect((await cli.run({ line: 'EXEC' })).printed).toBe('1) (integer) 1');
    const redis = connect();
    const named = async (): Promise<number> => ((await redis.client('LIST')) as string).split('\n').filter((l) => l.includes(`name=${CONSOLE_CLIENT_NAME} `)).length;
    expect(await named()).toBeGreaterThanOrEqual(1);
    const before = await named();
    cli.close();
    const { until } = await import('#testing/wait');
    await until(async () => (await named()) === before - 1, 'the console connection closing');
  });

  it('drops a command that gets no reply instead of holding the console, and opens a new connection for the next', async () => {
    // A server that accepts and never answers (a frozen Redis); a busy script on the shared test server would stall other tests.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    let url = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    console_ = redisConsole({ redis: async () => ({ url, embedded: true }), replyTimeoutMs: 200 });
    await expect(console_.run({ line: 'PING' })).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/No reply within 0.2 s/) as string });
    url = redisUrl();
    expect((await console_.run({ line: 'PING' })).printed).toBe('PONG');
  });

  it('says in one line when the server cannot be reached', async () => {
    console_ = redisConsole({ redis: async () => ({ url: 'redis://127.0.0.1:1', embedded: false }) });
    await expect(console_.run({ line: 'PING' })).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/cannot be reached/) as string });
  });
});
