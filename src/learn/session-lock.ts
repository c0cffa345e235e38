/**
 * One learner session per folder: two loops in one clone would overwrite each other's progress
 * silently. The lock is a file holding the session's pid; a lock whose process is gone (a crash,
 * a SIGKILL) is taken over.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR, displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { stateFolderError } from './state-errors.ts';

export const LOCK_FILE = join(STATE_DIR, 'session.lock');

export interface SessionLock {
  release(): void;
}

export function lockSession(what: string, file = LOCK_FILE): SessionLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(join(file, '..'), { recursive: true });
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n${what}\n`);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(file, 'utf8').split('\n')[0] === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw stateFolderError(error, file);
      const [pidText, holder] = readFileSync(file, 'utf8').split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new WorkbookError(
          `Another workbook session (${holder || 'npm run learn'}, pid ${pid}) is running in this folder; two would overwrite each other's progress. Quit it (q in its terminal) or stop it with \`kill ${pid}\`, then try again.`,
        );
      }
      // Left behind by a session that died: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new WorkbookError(`Could not take the session lock ${displayPath(file)}: delete it if no other session is running, and try again.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie counts as gone.
  try {
    return !/^\S+\s+\S+\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /, '0 x '));
  } catch {
    return true;
  }
}
