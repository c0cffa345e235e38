/**
 * moto (the Python AWS emulator behind the SNS track) in the workbook's own Python environment: on
 * first use, a venv in the tool cache and `pip install 'moto[server]==5.2.5'` into it, with pip's
 * download lines as progress, once per machine. Pinned, so every learner and CI run the same moto.
 * Needs python3 with its venv module (Debian: python3-venv); pip brings the rest from PyPI (or the
 * index pip is configured with).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BrokerUnavailableError } from '../errors.ts';
import { ensureTool, installedTool } from './cache.ts';

export const MOTO_VERSION = '5.2.5';
export const MOTO_REQUIREMENT = `moto[server]==${MOTO_VERSION}`;

export interface MotoCommand {
  command: string;
  args: string[];
}

/** The cache folder's name: a venv belongs to the Python that made it. */
function toolName(pythonVersion: string): string {
  return `moto-${MOTO_VERSION}-py${pythonVersion}`;
}

/** How to run the cached moto, when it was installed before (no network, no pip). */
export async function cachedMoto(env: NodeJS.ProcessEnv = process.env): Promise<MotoCommand | undefined> {
  const python = await pythonVersion(env);
  if (!python) return undefined;
  const dir = installedTool(toolName(python.version), env);
  return dir ? serverCommand(dir) : undefined;
}

/** moto's server from the workbook's venv, installing it first if needed; BrokerUnavailableError when it cannot be. */
export async function ensureMoto(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<MotoCommand> {
  const python = await pythonVersion(env);
  if (!python) {
    throw new BrokerUnavailableError(
      'sns',
      'The SNS track needs moto (a Python program) and there is no python3 on this machine.',
      'Install Python 3 (`apt-get install python3 python3-venv` or `brew install python`), or run `docker compose up -d moto` and set AWS_ENDPOINT_URL=http://127.0.0.1:5000.',
    );
  }
  const dir = await ensureTool(
    {
      name: toolName(python.version),
      async install(target, progress) {
        progress(`Installing ${MOTO_REQUIREMENT} from PyPI into the workbook's own Python environment (${target}; once per machine, about a minute)...`);
        const venv = await run(python.command, ['-m', 'venv', target], env, () => {});
        if (venv.code !== 0) {
          throw new BrokerUnavailableError(
            'sns',
            `${python.command} cannot create a virtual environment for moto (${lastLine(venv.output)}).`,
            'Install its venv module (`apt-get install python3-venv`), or run `docker compose up -d moto` and set AWS_ENDPOINT_URL=http://127.0.0.1:5000.',
          );
        }
        const started = Date.now();
        let bytes = 0;
        const pip = await run(join(target, 'bin', 'python'), ['-m', 'pip', 'install', '--progress-bar', 'off', '--disable-pip-version-check', MOTO_REQUIREMENT], env, (line) => {
          // "Downloading moto-5.2.5-py3-none-any.whl (4.2 MB)": one line per package is progress enough.
          const download = /^\s*Downloading (\S+) \(([\d.]+) (kB|MB)\)/.exec(line);
          if (!download || download[1]?.endsWith('.metadata')) return;
          bytes += Number(download[2]) * (download[3] === 'MB' ? 1_000_000 : 1_000);
          progress(`  ${download[1]} (${download[2]} ${download[3]}; ${(bytes / 1_000_000).toFixed(1)} MB so far)`);
        });
        if (pip.code !== 0) {
          throw new BrokerUnavailableError(
            'sns',
            `pip could not install ${MOTO_REQUIREMENT} (${lastLine(pip.output)}).`,
            'Check that PyPI (or your pip index) is reachable and rerun, or run `docker compose up -d moto` and set AWS_ENDPOINT_URL=http://127.0.0.1:5000.',
          );
        }
        progress(`  moto ${MOTO_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s (${(bytes / 1_000_000).toFixed(1)} MB downloaded).`);
      },
    },
    log,
    env,
  );
  return serverCommand(dir);
}

function serverCommand(dir: string): MotoCommand {
  return { command: join(dir, 'bin', 'python'), args: ['-m', 'moto.server'] };
}

interface Python {
  command: string;
  /** major.minor, e.g. 3.11 */
  version: string;
}

async function pythonVersion(env: NodeJS.ProcessEnv): Promise<Python | undefined> {
  const command = env.PUBSUB_WORKBOOK_PYTHON?.trim() || 'python3';
  const result = await run(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], env, () => {});
  const version = result.code === 0 ? /^(\d+\.\d+)$/m.exec(result.output)?.[1] : undefined;
  return version ? { command, version } : undefined;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a program to completion; a program that does not exist is code null, not a crash. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const keep = (line: string): void => {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine(line);
    };
    createInterface({ input: child.stdout }).on('line', keep);
    createInterface({ input: child.stderr }).on('line', keep);
    child.once('error', (error) => resolve({ code: null, output: error.message }));
    child.once('close', (code) => resolve({ code, output: lines.join('\n') }));
  });
}

function lastLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return (lines.findLast((line) => /^ERROR|Error|error:/.test(line)) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}
