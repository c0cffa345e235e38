/**
 * Every process the workbook starts (redis-server, brokers, watchers) registers here, so that a
 * normal exit, Ctrl-C, a `kill` or a closed terminal all stop it.
 */

export interface Cleanup {
  /** Graceful stop, awaited on signals. */
  stop(): Promise<void>;
  /** Last resort on `process.exit`, where nothing can be awaited. */
  stopSync(): void;
}

const cleanups = new Set<Cleanup>();
let installed = false;
let stopping = false;

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function onShutdown(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Stops everything registered; used by CLIs that exit on their own terms (e.g. `q` in watch mode). */
export async function shutdownAll(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((c) => c.stop()));
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      const code = SIGNAL_EXIT_CODES[signal] ?? 1;
      if (stopping) {
        // A second Ctrl-C while stopping: do not make the learner wait.
        stopAllSync();
        process.exit(code);
      }
      stopping = true;
      void shutdownAll().finally(() => process.exit(code));
    });
  }
  process.on('exit', stopAllSync);
}

function stopAllSync(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup.stopSync();
    } catch {
      // Already gone: nothing left to stop.
    }
  }
  cleanups.clear();
}
