/**
 * Stops a server process when the process that started it dies, even by SIGKILL, when no exit
 * handler can run. The watchdog is a tiny separate node process holding the read end of a pipe
 * whose write end only the parent holds: the kernel closes that end the instant the parent dies,
 * the watchdog reads end-of-file, stops the server and exits.
 */
import { spawn } from 'node:child_process';

// Plain JavaScript for a bare `node -e`, so the watchdog starts in milliseconds without a loader.
// It ignores the terminal's signals: its only job is to outlive its parent by a moment.
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
const gone = () => { try { process.kill(pid, 0); return false; } catch { return true; } };
let stopping = false;
const stopServer = () => {
  if (stopping) return;
  stopping = true;
  if (gone()) process.exit(0);
  try { process.kill(pid, 'SIGTERM'); } catch {}
  setInterval(() => { if (gone()) process.exit(0); }, 25);
  setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
};
process.stdin.on('data', () => {});
process.stdin.on('end', stopServer);
process.stdin.on('close', stopServer);
process.stdin.on('error', stopServer);
`;

export interface Watchdog {
  pid?: number;
  /** The parent is done with the server (it stopped it itself): let the watchdog go. */
  release(): void;
}

export function watchOver(serverPid: number): Watchdog {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(serverPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => {});
  watchdog.stdin.on('error', () => {});
  // Neither the watchdog nor its pipe may keep the parent's event loop alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    pid: watchdog.pid,
    release: () => {
      watchdog.stdin.end();
    },
  };
}
