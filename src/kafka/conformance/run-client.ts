/**
 * Runs one command-line Kafka client (a Java tool, kcat) to its end, with stdin given, and returns
 * its exit code and what it printed (stdout, then stderr). A run past `timeoutMs` is killed and
 * fails with what it had printed, so a hung client names itself instead of stalling the suite.
 */
import { spawn } from 'node:child_process';

export interface ClientRun {
  code: number | null;
  printed: string;
}

export function runClient(command: string, args: string[], options: { label: string; timeoutMs: number; stdin?: string }): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.label} did not finish within ${options.timeoutMs} ms; it printed:\n${stdout}${stderr}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, printed: `${stdout}\n${stderr}` });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
