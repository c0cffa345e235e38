import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WorkbookError } from '../../harness/errors.ts';
import { within } from '../../testing/wait.ts';
import { startEmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { RawClient, encodeRequest, splitAddress } from './testing/raw-client.ts';

describe('starting and stopping', () => {
  it('starts in well under 100 ms (median of 7)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const kafka = await startEmbeddedKafka({ brokers: 3 });
      times.push(performance.now() - started);
      await kafka.stop();
    }
    times.sort((a, b) => a - b);
    expect(times[3]).toBeLessThan(100);
  });

  it('refuses a port in use with one line saying what to do', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = startEmbeddedKafka({ port });
      await expect(attempt).rejects.toBeInstanceOf(WorkbookError);
      await expect(attempt).rejects.toThrow(`Port ${port} is in use: pick another with --port, or stop what is using it.`);
    } finally {
      blocker.close();
    }
  });

  it('refuses nonsense options', async () => {
    await expect(startEmbeddedKafka({ brokers: 0 })).rejects.toThrow('brokers must be a whole number from 1 to 64, not 0.');
    await expect(startEmbeddedKafka({ defaultPartitions: 1.5 })).rejects.toBeInstanceOf(WorkbookError);
  });

  it('stops idempotently, closing the port and every open connection', async () => {
    const kafka = await startEmbeddedKafka({ brokers: 2 });
    const client = await RawClient.connect(kafka.brokers[1]!);
    await kafka.stop();
    await kafka.stop();
    await within(client.closed, 2_000, 'the open connection closing');
    const [host, port] = splitAddress(kafka.bootstrap);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host, port });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

describe('bad frames', () => {
  it('closes a connection that announces a frame over 100 MiB at once, with one log line, serving others', async () => {
    const lines: string[] = [];
    const kafka = await startEmbeddedKafka({ log: (line) => lines.push(line) });
    const bystander = await RawClient.connect(kafka.bootstrap);
    try {
      const liar = await RawClient.connect(kafka.bootstrap);
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(2_000_000_000);
      liar.socket.write(prefix); // and nothing more: the broker must not wait for (or allocate) 2 GB
      await within(liar.closed, 2_000, 'the broker closing the lying connection');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^kafka broker 0: closed connection from 127\.0\.0\.1:\d+: request of 2000000000 bytes exceeds the 104857600-byte limit/);

      const unsupported = await RawClient.connect(kafka.bootstrap);
      unsupported.socket.write(Buffer.concat([encodeRequest(ApiKey.Fetch, 99, 1, () => {}), encodeRequest(ApiKey.Metadata, 1, 2, (w) => w.int32(0))]));
      await within(unsupported.closed, 2_000, 'the broker closing the connection speaking Fetch v99');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('unsupported Fetch version 99 (this broker speaks 4-11)');

      const answer = await bystander.request(ApiKey.ApiVersions, 2, () => {});
      expect(answer.int16()).toBe(0);
    } finally {
      bystander.close();
      await kafka.stop();
    }
  });
});
