/**
 * Runs kcat (Debian's package: kcat 1.7 on librdkafka 2.x, a C client nobody here wrote) against a
 * broker, and returns what it printed with configuration rather than behaviour normalised: the
 * bootstrap address, node ids, generated member ids and librdkafka's log timestamps.
 */
import { spawn } from 'node:child_process';
import type { Target } from '../brokers.ts';
import type { ToolRun } from '../java-tools/run-tool.ts';

/** `$KCAT` if set, else `kcat` on PATH (older Debian and Homebrew call it kafkacat: set KCAT=kafkacat). */
export function kcatCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.KCAT?.trim() || 'kcat';
}

const KCAT_TIMEOUT_MS = 60_000;

export function runKcat(target: Target, args: string[], options: { stdin?: string } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    // -X: fail within a test's time, not librdkafka's defaults.
    const child = spawn(kcatCommand(), ['-b', target.bootstrap, '-X', 'socket.timeout.ms=15000', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`[${target.label}] kcat ${args.join(' ')} did not finish within ${KCAT_TIMEOUT_MS} ms; it printed:\n${stdout}${stderr}`));
    }, KCAT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: normalise(`${stdout}\n${stderr}`, target) });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

function normalise(text: string, target: Target): string[] {
  return (
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      // A fresh real broker's coordinators are still loading (ARCHITECTURE.md, difference 5) and
      // librdkafka logs each retry; the embedded one answers at once.
      .filter((line) => !/^%\d\|[\d.]+\|\w+\|.*(Not coordinator|Coordinator load in progress|Coordinator not available).*: retrying$/.test(line))
      .map((line) =>
        line
          .split(target.bootstrap)
          .join('<bootstrap>')
          .replace(/^%(\d)\|[\d.]+\|/, '%$1|<time>|')
          .replace(/\b(broker|leader|replicas:|isrs:) \d+/g, '$1 <broker>')
          .replace(/<bootstrap>\/\d+/g, '<bootstrap>/<broker>')
          .replace(/\S+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<member-id>')
          .replace(/\s+/g, ' ')
          .trim(),
      )
  );
}
