import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Inbox, within } from '../../testing/wait.ts';
import { testKafka } from './testing/kafkajs-client.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `src/cli/kafka.ts` as `npm run kafka` would, collecting stdout and stderr lines. */
function runCli(args: string[]): { stdout: Inbox<string>; stderr: Inbox<string>; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/kafka.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = (stream: NodeJS.ReadableStream): Inbox<string> => {
    const inbox = new Inbox<string>();
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) inbox.push(line);
    });
    return inbox;
  };
  const stdout = lines(child.stdout!);
  const stderr = lines(child.stderr!);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { stdout, stderr, exited, kill: () => child.kill('SIGTERM') };
}

describe('npm run kafka', () => {
  it('prints one bootstrap line, serves kafkajs, and stops on SIGTERM', async () => {
    const cli = runCli(['--brokers', '2']);
    try {
      const [line] = await cli.stdout.waitFor(1, 15_000, 'the bootstrap line');
      expect(line).toMatch(/^bootstrap=127\.0\.0\.1:\d+$/);
      const admin = testKafka(line!.slice('bootstrap='.length)).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      expect(cluster.brokers).toHaveLength(2);
    } finally {
      cli.kill();
    }
    expect(await within(cli.exited, 10_000, 'the CLI exiting')).toBe(143);
    expect(cli.stdout.items).toHaveLength(1);
  });

  it('refuses a port in use, and bad options, with one line and exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = runCli(['--port', String(port)]);
      expect(await within(busy.exited, 15_000, 'the CLI giving up')).toBe(1);
      expect(busy.stdout.items).toEqual([]);
      expect(busy.stderr.items).toEqual([`✗ Port ${port} is in use: pick another with --port, or stop what is using it.`]);
    } finally {
      blocker.close();
    }
    const bad = runCli(['--brokers', 'many']);
    expect(await within(bad.exited, 15_000, 'the CLI refusing --brokers many')).toBe(1);
    expect(bad.stderr.items).toEqual(['✗ --brokers must be a whole number from 1 to 64, not "many".']);
  });
});
