/**
 * Whether a process is still there, for tests that check nothing the workbook starts outlives it
 * (the same zombie-aware check the process kit's watchdog uses).
 */
export { processAlive } from '../harness/process-kit.ts';
