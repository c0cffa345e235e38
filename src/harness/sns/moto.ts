/**
 * Starts moto's server (the Python AWS emulator: SNS, SQS, S3 and more behind one HTTP endpoint) on
 * 127.0.0.1, from `moto_server` on PATH or, failing that, `python3 -m moto.server`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = "pip install 'moto[server]'";

export interface MotoCommand {
  command: string;
  args: string[];
}

/** How to run moto's server on this machine, or undefined when neither moto_server nor python3 is on PATH. */
export function findMoto(env: NodeJS.ProcessEnv): MotoCommand | undefined {
  const server = onPath('moto_server', env);
  if (server) return { command: server, args: [] };
  const python = onPath('python3', env);
  if (python) return { command: python, args: ['-m', 'moto.server'] };
  return undefined;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface MotoProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** The last lines moto printed, to explain a failure. */
  output(): string;
  /** Lets this process exit without waiting for moto (which the shutdown handlers then stop). */
  unref(): void;
}

export function spawnMoto(moto: MotoCommand, port: number, env: NodeJS.ProcessEnv): MotoProcess {
  const child = spawn(moto.command, [...moto.args, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // moto logs every request; reading (and forgetting) its output keeps a full pipe from stalling it.
  const tail: string[] = [];
  const keep = (data: Buffer): void => {
    tail.push(...data.toString().split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
    child.once('error', (error) => {
      keep(Buffer.from(error.message));
      resolve('error');
    });
  });
  const unref = (): void => {
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  };
  return { child, exited, output: () => tail.join('\n'), unref };
}

/** A port nobody listens on right now (someone may still take it before moto binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

export function saysNotInstalled(output: string): boolean {
  return /No module named '?moto|command not found|not found.*moto_server/i.test(output);
}

export function saysPortTaken(output: string): boolean {
  return /address already in use|port \d+ is in use/i.test(output);
}
