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

/** How long graceful stops may take before the rest is killed: a stop that hangs must not keep the terminal. */
const STOP_DEADLINE_MS = 4_000;

/** Stops everything registered; used by CLIs that exit on their own terms (e.g. `q` in watch mode). */
export async function shutdownAll(): Promise<void> {
  const pending = [...cleanups];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_DEADLINE_MS);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(pending.map((c) => c.stop())), deadline]);
  clearTimeout(timer);
  cleanups.clear();
  // Whatever did not stop in time is killed.
  for (const cleanup of pending) {
    try {
      cleanup.stopSync();
    } catch {
      // Already gone.
    }
  }
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
  watchParent();
}

/**
 * When the process that started us dies (npm killed, the terminal's shell gone), we are re-parented
 * and no signal may ever come: notice it and stop as on SIGHUP. Only for the CLI's own process.
 */
function watchParent(): void {
  const parent = process.ppid;
  if (parent <= 1 || process.env.VITEST) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    if (stopping) return;
    stopping = true;
    void shutdownAll().finally(() => process.exit(SIGNAL_EXIT_CODES.SIGHUP));
  }, 500);
  timer.unref();
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
