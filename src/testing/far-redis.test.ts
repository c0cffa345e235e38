import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, farRedis, unique } from './redis.ts';
import { until } from './wait.ts';

describe('a Redis client far from the server', () => {
  test('waits a round trip through the proxy for every reply, and comes back after an outage', async ({ onTestFinished }) => {
    const name = unique('far');
    const { url, proxy } = await farRedis({ delayMs: 40, name });
    const far = new Redis(url, { retryStrategy: () => 50 });
    far.on('error', () => {});
    onTestFinished(() => void far.disconnect());
    await far.ping();

    const sent = performance.now();
    await far.ping();
    expect(performance.now() - sent, 'one PING through 40 ms each way').toBeGreaterThanOrEqual(78);
    expect(await clientsNamed(connect(), name), 'the far client keeps its connection name').toHaveLength(1);

    await proxy.outage(200);
    await until(async () => (await far.ping().catch(() => '')) === 'PONG', 'the far client reconnecting after the outage', 3_000);
    expect(proxy.acceptedConnections, 'the first connection and the reconnect').toBeGreaterThanOrEqual(2);
  });
});
