/**
 * A tiny guardian process for everything a launch leaves on the machine (JVMs and a temp dir).
 *
 * onShutdown covers exit, Ctrl-C and `kill`, but nothing in a process runs when it is SIGKILLed
 * (or when vitest kills a hung worker). So each launch also starts this watchdog with a pipe to its
 * stdin: the kernel closes that pipe the instant our process dies, however it dies, and the EOF
 * makes the watchdog SIGKILL the JVMs it was told about and delete the temp dir. On a normal stop
 * we clean up ourselves and send `release`, and the watchdog exits without touching anything.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * Plain JavaScript run with `node -e`: it must start in ~40 ms without a TypeScript loader and
 * outlive this process. Protocol on stdin, one command per line: `pid <n>` (guard it), `release`.
 * It ignores SIGINT/SIGTERM/SIGHUP so a Ctrl-C to the terminal's process group cannot stop it
 * before it has done its job; it always ends by itself (release, or cleanup after EOF).
 */
const WATCHDOG_SOURCE = String.raw`
'use strict';
const fs = require('node:fs');
const dir = process.argv[1];
const pids = new Set();
let buffer = '';
let released = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline).trim();
    buffer = buffer.slice(newline + 1);
    if (line === 'release') { released = true; process.exit(0); }
    const match = /^pid (\d+)$/.exec(line);
    if (match) pids.add(Number(match[1]));
  }
});
process.stdin.on('end', cleanup);
process.stdin.on('error', cleanup);

// Alive and still ours: a zombie (dead, not yet reaped) counts as gone, and on Linux a pid whose
// command line no longer mentions our dir was reused by someone else and must not be killed.
function ours(pid) {
  try { process.kill(pid, 0); } catch (error) { return error.code === 'EPERM'; }
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(dir);
  } catch { return true; }
}

function cleanup() {
  if (released) return;
  released = true;
  for (const pid of pids) if (ours(pid)) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  const deadline = Date.now() + 10000;
  const timer = setInterval(() => {
    if ([...pids].some(ours) && Date.now() < deadline) return;
    clearInterval(timer);
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
    process.exit(0);
  }, 20);
}
`;

export interface Watchdog {
  /** Guard a process whose command line mentions the watched dir. */
  watch(pid: number): void;
  /** Everything was stopped and deleted by us: let the watchdog exit without acting. */
  release(): void;
  /** The watchdog's own pid (for tests). */
  pid: number | undefined;
}

export function startWatchdog(dir: string): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, dir], {
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
    release() {
      if (released) return;
      released = true;
      stdin.end('release\n');
    },
  };
}
