/**
 * Owning a started broker JVM: stop it gracefully when asked or when the workbook stops (exit,
 * Ctrl-C, `kill`, via onShutdown), delete its temp dir, and stand the watchdog down.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { onShutdown } from '../../harness/shutdown.ts';
import type { Watchdog } from './watchdog.ts';

const STOP_TIMEOUT_MS = 15_000;

export function supervise(child: ChildProcess, dir: string, watchdog: Watchdog): { stop(): Promise<void> } {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      if (running(child)) {
        // SIGTERM runs Kafka's shutdown hook (a clean, quick shutdown of a single node); SIGKILL if it hangs.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      watchdog.release();
    })();
    return stopping;
  };
  const unregister = onShutdown({
    stop,
    // Nothing can be awaited here: kill now; the watchdog (not released) deletes the dir once we are gone.
    stopSync: () => {
      if (running(child)) child.kill('SIGKILL');
    },
  });
  return { stop };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export function exited(child: ChildProcess): Promise<void> {
  if (!running(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
