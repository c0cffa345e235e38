import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../catalog/paths.ts';
import { until, within } from '../testing/wait.ts';
import { BrokerUnavailableError } from './errors.ts';
import { awsClients, startSns, type SnsServer } from './sns.ts';
import { checkEndpoint } from './sns/endpoint.ts';
import { processAlive } from '../testing/processes.ts';

const noEndpoint = { ...process.env, AWS_ENDPOINT_URL: '' };


async function failure(start: Promise<unknown>): Promise<Error> {
  const error = await start.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'startSns should fail with a BrokerUnavailableError').toBeInstanceOf(BrokerUnavailableError);
  expect((error as Error).message, 'the error is one line').not.toContain('\n');
  return error as Error;
}

describe('startSns with moto', () => {
  let moto: SnsServer;
  beforeAll(async () => {
    moto = await startSns({ env: noEndpoint });
  }, 90_000);
  afterAll(async () => {
    await moto?.stop();
  });

  test('starts moto on a free 127.0.0.1 port, where SNS delivers to SQS', async () => {
    expect(moto.embedded).toBe(true);
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(moto.region).toBe(process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1');

    const { sns, sqs, destroy } = awsClients(moto);
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'harness-smoke' }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'harness-smoke' }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
      await sns.send(new PublishCommand({ TopicArn, Message: 'hello' }));
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
      expect(Messages?.map((m) => m.Body), 'what the queue received').toEqual(['hello']);
    } finally {
      destroy();
    }
  });

  test('uses the emulator in AWS_ENDPOINT_URL instead, and never stops it', async () => {
    const external = await startSns({ env: { ...process.env, AWS_ENDPOINT_URL: `${moto.endpoint}/` } });
    expect(external).toMatchObject({ endpoint: moto.endpoint, embedded: false });
    await external.stop();
    const { sns, destroy } = awsClients(moto);
    try {
      await expect(sns.send(new ListTopicsCommand({})), 'the AWS_ENDPOINT_URL emulator still answers').resolves.toBeDefined();
    } finally {
      destroy();
    }
  });

  // Last in this block: it stops the server the tests above share.
  test('stop() ends the moto process', async () => {
    const pid = moto.pid as number;
    expect(processAlive(pid), `moto (pid ${pid}) runs`).toBe(true);
    await moto.stop();
    expect(processAlive(pid), 'moto is gone once stop() resolves').toBe(false);
  });
});

describe('startSns says what to do', () => {
  test('an unreachable AWS_ENDPOINT_URL', async () => {
    const error = await failure(startSns({ env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } }));
    expect(error.message).toMatch(/^Cannot reach AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:1 \(.+\)\. Start it .*docker compose up -d moto.*unset AWS_ENDPOINT_URL/);
  });

  test('an endpoint that is real AWS, or not on this machine', async () => {
    const aws = await failure(startSns({ env: { ...process.env, AWS_ENDPOINT_URL: 'https://sns.us-east-1.amazonaws.com' } }));
    expect(aws.message).toMatch(/is real AWS: the workbook only talks to an emulator/);
    const remote = await failure(startSns({ env: { ...process.env, AWS_ENDPOINT_URL: 'http://10.1.2.3:4566' } }));
    expect(remote.message).toMatch(/is not on this machine.*SNS_ALLOW_REMOTE_ENDPOINT=1/);
    expect(() => checkEndpoint('https://sns.eu-west-1.amazonaws.com', true), 'real AWS is refused even with SNS_ALLOW_REMOTE_ENDPOINT=1').toThrow(/is real AWS/);
    expect(checkEndpoint('http://localstack:4566/', true)).toBe('http://localstack:4566');
    expect(checkEndpoint('http://[::1]:5000', false)).toBe('http://[::1]:5000');
    expect(() => checkEndpoint('127.0.0.1:5000', false)).toThrow(/must start with http:\/\/ or https:\/\//);
  });

  test('a server in AWS_ENDPOINT_URL that accepts connections and never answers fails within seconds', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await failure(within(startSns({ env: { ...process.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` } }), 10_000, 'startSns giving up'));
      expect(error.message).toMatch(/^Cannot reach AWS_ENDPOINT_URL=.*\(no answer within 3 s\)/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      silent.close();
    }
  });

  test('no moto and no python3', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'workbook-cache-'));
    try {
      const error = await failure(startSns({ env: { PATH: '/nonexistent', PUBSUB_WORKBOOK_CACHE: cache }, log: () => {} }));
      expect(error.message).toMatch(/^The SNS track needs moto \(a Python program\) and there is no python3 on this machine\. Install Python 3 .*AWS_ENDPOINT_URL/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('a moto_server that is not really there (a pyenv shim for another Python)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'moto-shim-'));
    try {
      writeFileSync(join(bin, 'moto_server'), '#!/bin/sh\necho "pyenv: moto_server: command not found" >&2\nexit 127\n');
      chmodSync(join(bin, 'moto_server'), 0o755);
      // No python3 on this PATH, so the workbook cannot make its own moto and falls back to the shim.
      const error = await failure(startSns({ env: { PATH: bin }, log: () => {} }));
      expect(error.message).toBe(`\`${join(bin, 'moto_server')}\` is not a working moto. Delete it or fix your PATH so the workbook installs its own, or set AWS_ENDPOINT_URL to a running emulator (\`docker compose up -d moto\`, then AWS_ENDPOINT_URL=http://127.0.0.1:5000).`);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await failure(startSns({ env: noEndpoint, port }));
      expect(error.message).toBe(`Port ${port} is in use on 127.0.0.1. Stop what is using it, or let the workbook pick a free port.`);
    } finally {
      blocker.close();
    }
  });
});

describe.concurrent('no moto server outlives the process that started it', () => {
  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
    test(`after ${signal}`, async () => {
      // One process (node with tsx's loader), so the signal reaches the very process that started moto.
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/harness/sns/hold-sns.ts')], {
        cwd: ROOT,
        env: noEndpoint,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const line = await within(
        new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(d.toString()))),
        60_000,
        'the child starting moto',
      );
      const pid = Number(line.trim().split(' ')[2]);
      expect(processAlive(pid), `moto (pid ${pid}) runs`).toBe(true);

      // Only the parent is signalled: moto hears nothing and must be stopped by the parent's
      // shutdown handlers or, after SIGKILL, by the process kit's watchdog reading end-of-file on its pipe.
      child.kill(signal);
      await within(exited, 10_000, 'the child exiting');

      await until(() => !processAlive(pid), `moto ${pid} stopping after the parent got ${signal}`, 10_000);
    }, 90_000);
  }
});
