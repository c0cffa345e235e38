/**
 * The one kit for every server process the workbook starts (redis-server or valkey-server, moto,
 * the real Kafka's JVMs): free ports, a spawn that keeps the server's last words, a stop that asks
 * (SIGTERM) then insists (SIGKILL), and a watchdog so that no exit path leaves a server behind.
 *
 * - normal exit, Ctrl-C, SIGTERM, SIGHUP, `q` in the loop: `src/harness/shutdown.ts` (the registry)
 *   runs each server's stop, or kills it synchronously on `process.exit`;
 * - SIGKILL of the workbook (or a hung Vitest worker killed): no handler can run, so each server
 *   also has a watchdog, a tiny separate node process holding the read end of a pipe whose write
 *   end only we hold. The kernel closes it the instant we die, however we die; the watchdog reads
 *   end-of-file, kills the server (and deletes its temp dir) and exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { basename } from 'node:path';
import { onShutdown } from './shutdown.ts';

/** Running, and not a zombie (a killed child lingers as one until its parent or init reaps it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, it just is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    // No /proc (macOS): kill(0) said it exists.
    return true;
  }
}

/** `count` distinct ports nobody listens on right now (someone may still take one before the server binds it). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  // All probes stay open until every port is known, so the OS cannot hand out the same one twice.
  const probes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const probe = createServer();
          probe.once('error', reject);
          probe.listen(0, host, () => resolve(probe));
        }),
    ),
  );
  const ports = probes.map((probe) => (probe.address() as AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port as number;
}

/** True when something already listens on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/**
 * Plain JavaScript for a bare `node -e`: it must start in ~40 ms without a TypeScript loader and
 * outlive us. Protocol on stdin, one command per line: `pid <n>` (guard it), `group <n>` (guard it and
 * the process group it leads: everything it started), `release` (we stopped everything ourselves:
 * exit without acting). It ignores SIGINT/SIGTERM/SIGHUP so a Ctrl-C to the
 * terminal's process group cannot stop it before it has done its job; it always ends by itself.
 * A pid counts as ours only while alive, not a zombie, and (where /proc exists) its command line
 * still contains the marker: a reused pid is never killed.
 */
const WATCHDOG_SOURCE = String.raw`
'use strict';
const fs = require('node:fs');
const { marker, dir } = JSON.parse(process.argv[1]);
const pids = new Set();
const groups = new Set();
let buffer = '';
let done = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline).trim();
    buffer = buffer.slice(newline + 1);
    if (line === 'release') { done = true; process.exit(0); }
    const match = /^(pid|group) (\d+)$/.exec(line);
    if (match) pids.add(Number(match[2]));
    if (match && match[1] === 'group') groups.add(Number(match[2]));
  }
});
process.stdin.on('end', cleanup);
process.stdin.on('close', cleanup);
process.stdin.on('error', cleanup);

function ours(pid) {
  try { process.kill(pid, 0); } catch (error) { return error.code === 'EPERM'; }
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return !marker || fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(marker);
  } catch { return true; }
}

function cleanup() {
  if (done) return;
  done = true;
  for (const pid of pids) if (ours(pid)) { try { process.kill(groups.has(pid) ? -pid : pid, 'SIGKILL'); } catch {} }
  const deadline = Date.now() + 10000;
  const timer = setInterval(() => {
    if ([...pids].some(ours) && Date.now() < deadline) return;
    clearInterval(timer);
    if (dir) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, 20);
}
`;

export interface WatchdogOptions {
  /** Only kill pids whose command line contains this (a path of the server's); default: any. */
  marker?: string;
  /** A temp dir of the server's, deleted once its processes are gone. */
  dir?: string;
}

export interface Watchdog {
  /** Guard this process: it is killed if we die without releasing the watchdog. */
  watch(pid: number): void;
  /** Guard this process and its process group (it must lead one: spawned `detached`). */
  watchGroup(pid: number): void;
  /** Everything was stopped (and deleted) by us: let the watchdog exit without acting. */
  release(): void;
  /** The watchdog's own pid (for tests). */
  pid: number | undefined;
}

export function startWatchdog(options: WatchdogOptions = {}): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, JSON.stringify({ marker: options.marker ?? '', dir: options.dir ?? '' })], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const stdin = child.stdin as Socket;
  // Neither the watchdog nor its pipe may keep this process alive.
  child.unref();
  stdin.unref();
  // If the watchdog itself is gone there is nobody to tell; writes must not crash us.
  stdin.on('error', () => {});
  child.on('error', () => {});
  let released = false;
  return {
    pid: child.pid,
    watch(pid) {
      if (!released) stdin.write(`pid ${pid}\n`);
    },
    watchGroup(pid) {
      if (!released) stdin.write(`group ${pid}\n`);
    },
    release() {
      if (released) return;
      released = true;
      stdin.end('release\n');
    },
  };
}

export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (!running(child) || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

export interface SuperviseOptions {
  /** How long SIGTERM may take before SIGKILL. */
  graceMs: number;
  watchdog?: Watchdog;
  /** Run once the process is gone (e.g. delete its temp dir). */
  cleanup?: () => void;
  /**
   * The child leads a process group (spawned `detached`): signals go to the whole group, and stop
   * resolves only once every process in it is gone (SIGKILL for those left after the grace period).
   */
  group?: boolean;
}

/**
 * True while any process of the group `pgid` runs. Zombies do not count: a member whose parent died
 * lingers as one until init reaps it, and some containers' init never does.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    // No /proc (macOS): kill(0) said a member exists.
    return true;
  }
  return entries.some((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === pgid;
    } catch {
      return false;
    }
  });
}

/**
 * Owns a started server: stops it when asked or when the workbook stops (every exit path, via the
 * shutdown registry), then runs `cleanup` and stands the watchdog down. `stop` is idempotent.
 */
export function supervise(child: ChildProcess, options: SuperviseOptions): { stop(): Promise<void> } {
  let stopping: Promise<void> | undefined;
  const pgid = options.group ? child.pid : undefined;
  const signal = (name: NodeJS.Signals): void => {
    if (pgid === undefined) {
      child.kill(name);
      return;
    }
    try {
      process.kill(-pgid, name);
    } catch {
      // The group is gone already.
    }
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      const deadline = Date.now() + options.graceMs;
      if (running(child) || (pgid !== undefined && groupAlive(pgid))) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), options.graceMs);
        await exited(child);
        clearTimeout(timer);
      }
      // What the leader started may outlive it for a moment (or ignore SIGTERM): wait out the grace period, then insist.
      if (pgid !== undefined) {
        while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        signal('SIGKILL');
        while (groupAlive(pgid) && Date.now() < deadline + 2_000) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      options.cleanup?.();
      options.watchdog?.release();
    })();
    return stopping;
  };
  const unregister = onShutdown({
    stop,
    // On `process.exit` nothing can be awaited: kill now. The watchdog (not released) sees us go and
    // runs the rest (deleting a temp dir) once the process is gone.
    stopSync: () => {
      if (running(child) || pgid !== undefined) signal('SIGKILL');
    },
  });
  return { stop };
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number | undefined;
  /** Resolves with how the process ended ("code 1", "SIGTERM", "error") once it has. */
  exited: Promise<string>;
  /** Calls `listener` with every line the server prints (stdout and stderr). */
  onLine(listener: (line: string) => void): void;
  /** The server's last lines, to explain a failure. */
  output(): string;
  /** SIGTERM, SIGKILL after the grace period; waits until the process is gone. */
  stop(): Promise<void>;
  /** Lets this process exit without waiting for the server (the shutdown registry still stops it). */
  unref(): void;
}

export interface SpawnServerOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  graceMs?: number;
  /** A temp dir the server uses, deleted after it stops (by us, or by the watchdog). */
  dir?: string;
  /** Kept for the output tail; default 20. */
  tailLines?: number;
  /**
   * Run it as its own process group, stopped as a whole: for a program that starts children of its
   * own (a lab run), so that stopping it leaves none of them behind, however it ends.
   */
  group?: boolean;
  /** Pass blank lines to `onLine` listeners too (a program's printed story, where spacing matters). */
  blankLines?: boolean;
}

/** How long a process's last output may trail its exit before `exited` resolves without it. */
const OUTPUT_AFTER_EXIT_MS = 500;

/** Spawns a server guarded on every exit path: shutdown registry + watchdog. */
export function spawnServer(command: string, args: string[], options: SpawnServerOptions = {}): ServerProcess {
  // The marker is the program's name: servers may rewrite their command line (redis-server shows
  // `redis-server 127.0.0.1:port`), but keep the name they were started by.
  const watchdog = startWatchdog({ marker: options.dir ?? basename(command), dir: options.dir });
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group === true });
  if (child.pid !== undefined) {
    if (options.group) watchdog.watchGroup(child.pid);
    else watchdog.watch(child.pid);
  }
  const tail: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  const keep = (line: string): void => {
    if (line.trim() === '') {
      if (options.blankLines) for (const listener of listeners) listener(line);
      return;
    }
    tail.push(line);
    if (tail.length > (options.tailLines ?? 20)) tail.shift();
    for (const listener of listeners) listener(line);
  };
  // Servers log every request (moto does): reading (and forgetting) keeps a full pipe from stalling them.
  const drained: Array<Promise<void>> = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let partial = '';
    stream.on('data', (data: Buffer) => {
      const lines = (partial + data.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) keep(line);
    });
    // A last line without a newline (a server's dying words) counts too.
    drained.push(new Promise((resolve) => stream.once('close', () => {
      if (partial) keep(partial);
      partial = '';
      resolve();
    })));
  }
  const ended = new Promise<string>((resolve) => {
    // 'exit' can come before the pipes have handed over what the process printed last (why it
    // stopped: "Address already in use"): wait for them, but not for a grandchild that keeps them open.
    child.once('exit', (code, signal) => {
      const settle = (): void => resolve(signal ?? `code ${code}`);
      void Promise.race([Promise.all(drained), new Promise((wait) => setTimeout(wait, OUTPUT_AFTER_EXIT_MS))]).then(settle);
    });
    child.once('error', (error) => {
      keep(error.message);
      resolve('error');
    });
  });
  const { stop } = supervise(child, {
    graceMs: options.graceMs ?? 3_000,
    watchdog,
    group: options.group,
    cleanup: options.dir ? () => rmSync(options.dir as string, { recursive: true, force: true }) : undefined,
  });
  return {
    child,
    pid: child.pid,
    exited: ended,
    onLine: (listener) => listeners.push(listener),
    output: () => tail.join('\n'),
    stop,
    unref: () => {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
    },
  };
}
