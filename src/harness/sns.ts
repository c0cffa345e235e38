/**
 * The one way labs and tests get SNS (with the SQS and S3 that go with it): an emulator, never AWS.
 *
 * - `AWS_ENDPOINT_URL` set (e.g. http://127.0.0.1:5000 from `docker compose up -d moto`, or
 *   LocalStack's http://127.0.0.1:4566): use that emulator, checked with a ListTopics call; never
 *   stop it. It must be on this machine unless SNS_ALLOW_REMOTE_ENDPOINT=1.
 * - otherwise: a private moto server on a free 127.0.0.1 port, from the workbook's own Python venv
 *   (src/harness/tools/moto.ts: pip-installed on first use, once per machine), stopped on every exit
 *   path by the process kit (src/harness/process-kit.ts).
 * Whenever SNS cannot be had, the error is a BrokerUnavailableError saying what to do.
 *
 * Every SDK client made through `awsClients()` carries dummy credentials and the emulator's endpoint,
 * so nothing here can reach a real AWS account, whatever ~/.aws holds.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BrokerUnavailableError, describeError } from './errors.ts';
import { freePort, portInUse, spawnServer } from './process-kit.ts';
import { ALLOW_REMOTE_VARIABLE, ENDPOINT_VARIABLE, checkEndpoint } from './sns/endpoint.ts';
import { cachedMoto, ensureMoto, type MotoCommand } from './tools/moto.ts';

export { ENDPOINT_VARIABLE } from './sns/endpoint.ts';

export interface SnsServer {
  /** The emulator's HTTP endpoint, for SNS, SQS and S3 clients alike. */
  endpoint: string;
  region: string;
  /** True when this process started the emulator (and will stop it). */
  embedded: boolean;
  /** PID of the embedded moto server, if any. */
  pid?: number;
  stop(): Promise<void>;
}

export interface StartSnsOptions {
  env?: NodeJS.ProcessEnv;
  /** Listen on this port instead of a free one. */
  port?: number;
  /** Start a private moto server even when AWS_ENDPOINT_URL is set. */
  forceEmbedded?: boolean;
  /** How long moto may take to answer its first request (importing moto is slow on a cold machine). */
  readyTimeoutMs?: number;
  /** Where progress goes (installing moto on first use takes a minute); default stderr. */
  log?: (line: string) => void;
}

const DEFAULT_REGION = 'us-east-1';
const BIND_ATTEMPTS = 3;

export async function startSns(options: StartSnsOptions = {}): Promise<SnsServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const region = emulatorRegion(env);
  const configured = env[ENDPOINT_VARIABLE]?.trim();
  if (configured && !options.forceEmbedded) {
    const endpoint = checkEndpoint(configured, env[ALLOW_REMOTE_VARIABLE] === '1');
    await assertAnswers(endpoint, region);
    return { endpoint, region, embedded: false, stop: async () => {} };
  }
  return startMoto(await findMoto(env, log), region, env, options);
}

/**
 * The workbook's own pinned moto (installed into the tool cache on first use); a moto_server on
 * PATH only when that cannot be made (no python3 or no venv module).
 */
async function findMoto(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<MotoCommand> {
  const cached = await cachedMoto(env);
  if (cached) return cached;
  try {
    return await ensureMoto(log, env);
  } catch (error) {
    const own = onPath('moto_server', env);
    if (own) return { command: own, args: [] };
    if (error instanceof BrokerUnavailableError) throw error;
    // Anything unforeseen (a cache dir we cannot write) is still "no SNS here", in one line.
    throw new BrokerUnavailableError(
      'sns',
      `moto could not be installed (${describeError(error).split('\n')[0]}).`,
      `Run \`npx tsx scripts/tools.ts fetch moto\` to see why, or set ${ENDPOINT_VARIABLE} to a running emulator (\`docker compose up -d moto\`).`,
    );
  }
}

export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The region clients name (emulators accept any): AWS_REGION, AWS_DEFAULT_REGION, or us-east-1. */
export function emulatorRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || DEFAULT_REGION;
}

/** Endpoint, region and dummy credentials for an SDK client of the emulator. */
export function clientConfig(server: Pick<SnsServer, 'endpoint' | 'region'>): EmulatorClientConfig {
  quietNodeVersionWarning();
  return {
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

export interface AwsClients {
  sns: SNSClient;
  sqs: SQSClient;
  s3: S3Client;
  destroy(): void;
}

export function awsClients(server: Pick<SnsServer, 'endpoint' | 'region'>): AwsClients {
  const config = clientConfig(server);
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  // Emulators serve every bucket from one host name: bucket.127.0.0.1 would not resolve.
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  return {
    sns,
    sqs,
    s3,
    destroy: () => {
      sns.destroy();
      sqs.destroy();
      s3.destroy();
    },
  };
}

async function startMoto(moto: MotoCommand, region: string, env: NodeJS.ProcessEnv, options: StartSnsOptions): Promise<SnsServer> {
  const readyMs = options.readyTimeoutMs ?? 60_000;
  if (options.port && (await portInUse(options.port))) throw portTaken(options.port);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const endpoint = `http://127.0.0.1:${port}`;
    // From here on, whatever happens to this process, the server goes with it (process kit).
    const server = spawnServer(moto.command, [...moto.args, '-H', '127.0.0.1', '-p', String(port)], {
      env: { ...env, PYTHONUNBUFFERED: '1' },
      graceMs: 3_000,
    });
    let exited = false;
    const outcome = await Promise.race([
      answering(endpoint, region, readyMs, () => exited).then((ready) => (ready ? 'ready' : 'timeout')),
      server.exited.then(() => {
        exited = true;
        return 'exited' as const;
      }),
    ]);
    if (outcome === 'ready') {
      server.unref();
      return { endpoint, region, embedded: true, pid: server.pid, stop: server.stop };
    }
    await server.stop();
    const output = server.output();
    if (saysNotInstalled(output)) throw notInstalled(moto);
    if (saysPortTaken(output)) {
      if (options.port) throw portTaken(options.port);
      // Someone took the free port before moto bound it: try another.
      if (attempt < BIND_ATTEMPTS) continue;
    }
    const lastLine = output.split('\n').filter(Boolean).pop() ?? 'no output';
    throw new BrokerUnavailableError(
      'sns',
      outcome === 'timeout'
        ? `moto did not answer on ${endpoint} within ${Math.round(readyMs / 1000)} s (last output: ${lastLine}).`
        : `moto stopped while starting (${lastLine}).`,
      `Check that \`${[moto.command, ...moto.args].join(' ')}\` runs, or set ${ENDPOINT_VARIABLE} to a running emulator (\`docker compose up -d moto\`).`,
    );
  }
}

/** Retries a ListTopics call until the endpoint answers: false once `ms` have passed or the server is gone. */
async function answering(endpoint: string, region: string, ms: number, gone: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  const sns = new SNSClient({ ...clientConfig({ endpoint, region }), maxAttempts: 1 });
  try {
    while (Date.now() < deadline && !gone()) {
      try {
        await sns.send(new ListTopicsCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      } catch {
        // Not listening yet: moto spends its first seconds importing itself.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return false;
  } finally {
    sns.destroy();
  }
}

async function assertAnswers(endpoint: string, region: string): Promise<void> {
  const sns = new SNSClient({ ...clientConfig({ endpoint, region }), maxAttempts: 1 });
  try {
    await sns.send(new ListTopicsCommand({}), { abortSignal: AbortSignal.timeout(3_000) });
  } catch (error) {
    throw new BrokerUnavailableError(
      'sns',
      `Cannot reach ${ENDPOINT_VARIABLE}=${endpoint} (${oneLine(error)}).`,
      `Start it (\`docker compose up -d moto\`) or unset ${ENDPOINT_VARIABLE} to use the embedded moto server.`,
    );
  } finally {
    sns.destroy();
  }
}

function oneLine(error: unknown): string {
  const text = describeError(error).split('\n')[0] ?? '';
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return 'no answer within 3 s';
  return text || (error instanceof Error ? error.name : 'no answer');
}

function notInstalled(moto: MotoCommand): BrokerUnavailableError {
  return new BrokerUnavailableError(
    'sns',
    `\`${moto.command}\` is not a working moto.`,
    `Delete it or fix your PATH so the workbook installs its own, or set ${ENDPOINT_VARIABLE} to a running emulator (\`docker compose up -d moto\`, then ${ENDPOINT_VARIABLE}=http://127.0.0.1:5000).`,
  );
}

function portTaken(port: number): BrokerUnavailableError {
  return new BrokerUnavailableError('sns', `Port ${port} is in use on 127.0.0.1.`, 'Stop what is using it, or let the workbook pick a free port.');
}

/** moto logs a missing module, or a shell shim (pyenv) says the command is not there. */
function saysNotInstalled(output: string): boolean {
  return /No module named '?moto|command not found|not found.*moto_server/i.test(output);
}

function saysPortTaken(output: string): boolean {
  return /address already in use|port \d+ is in use/i.test(output);
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The SDK warns on every run under Node 20 that future versions will need Node 22. The workbook
 * supports Node 20, so the warning would only teach learners to ignore warnings.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
