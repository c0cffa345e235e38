/**
 * Whether a process is still there, for tests that check nothing the workbook starts outlives it.
 */
import { readFileSync } from 'node:fs';

/** Running, and not a zombie (a killed child lingers as one until its parent or init reaps it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
