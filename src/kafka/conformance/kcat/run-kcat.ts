/**
 * Runs kcat (Debian's package: kcat 1.7 on librdkafka 2.x, a C client nobody here wrote) against a
 * broker, and returns what it printed with configuration rather than behaviour normalised: the
 * bootstrap address, node ids, generated member ids and librdkafka's log timestamps.
 */
import { runClient } from '../run-client.ts';
import type { Target } from '../brokers.ts';
import type { ToolRun } from '../java-tools/run-tool.ts';

/** `$KCAT` if set, else `kcat` on PATH (older Debian and Homebrew call it kafkacat: set KCAT=kafkacat). */
export function kcatCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.KCAT?.trim() || 'kcat';
}

const KCAT_TIMEOUT_MS = 60_000;

export async function runKcat(target: Target, args: string[], options: { stdin?: string } = {}): Promise<ToolRun> {
  // -X: fail within a test's time, not librdkafka's defaults.
  const run = await runClient(kcatCommand(), ['-b', target.bootstrap, '-X', 'socket.timeout.ms=15000', ...args], { label: `[${target.label}] kcat ${args.join(' ')}`, timeoutMs: KCAT_TIMEOUT_MS, stdin: options.stdin });
  return { code: run.code, lines: normalise(run.printed, target) };
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
