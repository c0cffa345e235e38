/**
 * The one way labs and tests get a Redis server.
 *
 * - `REDIS_URL` set: use that server (e.g. the one `docker compose up -d redis` starts); never stop it.
 * - otherwise: a private redis-server on a random 127.0.0.1 port, started through redis-memory-server
 *   from the binary already on this machine, stopped on exit, Ctrl-C and `kill` alike.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisMemoryServer } from 'redis-memory-server';
import { WorkbookError, describeError } from './errors.ts';
import { onShutdown } from './shutdown.ts';

export interface RedisServer {
  url: string;
  /** True when this process started the server (and will stop it). */
  embedded: boolean;
  /** PID of the embedded redis-server, if any (it changes on restart). */
  pid?: number;
  stop(): Promise<void>;
  /**
   * Stops the server and starts a new, empty one on the same address, as a crash or a deploy would:
   * clients see their connection drop and can reconnect. Embedded servers only.
   */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** Where progress lines go (building redis-server takes minutes); default stderr. */
  log?: (line: string) => void;
  /** Extra redis-server arguments, e.g. ['--client-output-buffer-limit', 'pubsub 1mb 256kb 5']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Listen on this port instead of a random one (e.g. to restart a server where clients expect it). */
  port?: number;
  /** Start a private server even when REDIS_URL is set (labs that must stop and restart their server). */
  forceEmbedded?: boolean;
}

const BIND_ATTEMPTS = 3;

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
  return startEmbedded(findSystemBinary(env), options.args ?? [], log, options.port);
}

/** redis-server from REDISMS_SYSTEM_BINARY or PATH; undefined means "let redis-memory-server build one". */
export function findSystemBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.REDISMS_SYSTEM_BINARY?.trim();
  if (configured) {
    if (!isExecutable(configured)) {
      throw new WorkbookError(
        `REDISMS_SYSTEM_BINARY=${configured} is not an executable redis-server: fix the path or unset it.`,
      );
    }
    return configured;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
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

async function startEmbedded(
  systemBinary: string | undefined,
  args: string[],
  log: (line: string) => void,
  port?: number,
): Promise<RedisServer> {
  const stopProgress = systemBinary ? () => {} : announceBuild(log);
  let lastError: unknown;
  try {
    for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
      const server = new RedisMemoryServer({
        instance: { ip: '127.0.0.1', args, ...(port ? { port } : {}) },
        binary: systemBinary ? { systemBinary } : {},
      });
      try {
        await server.start();
        const started = track(server);
        // redis-memory-server quietly takes another port when the one asked for is busy.
        if (port && new URL(started.url).port !== String(port)) {
          await started.stop();
          throw new Error(`Port ${port} already in use`);
        }
        return started;
      } catch (error) {
        lastError = error;
        await server.stop().catch(() => {});
        // get-port picked a free port that someone else bound before redis-server did: try another.
        if (port || !/already in use/i.test(describeError(error))) break;
      }
    }
  } finally {
    stopProgress();
  }
  if (port && /already in use/i.test(describeError(lastError))) {
    throw new WorkbookError(`Port ${port} is in use: stop what is using it, or let the workbook pick a free port.`);
  }
  throw new WorkbookError(
    systemBinary
      ? `Could not start ${systemBinary}: ${describeError(lastError)}. Check that it runs (\`${systemBinary} --version\`), or set REDIS_URL to a running server.`
      : `No redis-server on this machine and building one failed (${describeError(lastError)}). Install one (\`apt-get install redis-server\` or \`brew install redis\`), or set REDIS_URL to a running server.`,
  );
}

function track(server: RedisMemoryServer): RedisServer {
  const info = server.getInstanceInfo();
  if (!info) throw new WorkbookError('redis-server started but reported no address; rerun, or set REDIS_URL.');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    unregister();
    await server.stop();
  };
  const handle: RedisServer = {
    url: `redis://${info.ip}:${info.port}`,
    embedded: true,
    pid: info.instance.getPid(),
    stop,
    async restart() {
      if (stopped) throw new WorkbookError('This Redis server was stopped; start a new one instead of restarting it.');
      // redis-memory-server starts the next instance on the previous one's port.
      await server.stop();
      await server.start();
      const next = server.getInstanceInfo();
      if (!next || next.port !== info.port) throw new WorkbookError(`Redis could not restart on port ${info.port}; start a new server instead.`);
      handle.pid = next.instance.getPid();
    },
  };
  const unregister = onShutdown({
    stop,
    stopSync: () => {
      if (handle.pid !== undefined && !stopped) process.kill(handle.pid, 'SIGKILL');
    },
  });
  return handle;
}

function announceBuild(log: (line: string) => void): () => void {
  log(
    'No redis-server found on PATH: redis-memory-server is downloading and compiling one (needs the internet, takes a few minutes, done once). ' +
      'To skip this, install redis-server or set REDIS_URL.',
  );
  const started = Date.now();
  const timer = setInterval(() => {
    log(`  ...still building redis-server (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 15_000);
  timer.unref();
  return () => clearInterval(timer);
}

async function assertReachable(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new WorkbookError(
      `Cannot reach REDIS_URL=${url} (${describeError(error)}). Start it (\`docker compose up -d redis\`) or unset REDIS_URL to use the embedded server.`,
    );
  } finally {
    client.disconnect();
  }
}
