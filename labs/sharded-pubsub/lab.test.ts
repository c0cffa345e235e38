import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('sharded and classic Pub/Sub are separate on one server, and only classic messages cross a cluster', async () => {
  const { findings, output } = await runLabForTest(lab, { messages: 50 });

  const one = findings.oneServer;
  expect(one.publishReceivers, 'PUBLISH reaches only the SUBSCRIBE connection').toBe(1);
  expect(one.spublishReceivers, 'SPUBLISH reaches only the SSUBSCRIBE connection').toBe(1);
  expect(one.classicReceived).toEqual(['classic', 'end']);
  expect(one.shardedReceived).toEqual(['sharded', 'end']);
  expect([one.numsub, one.shardnumsub]).toEqual([1, 1]);
  expect(one.patternError).toMatch(/unknown command/i);
  expect(one.crossSlotAccepted, 'one server owns every slot').toBe(true);
  expect(output).toContain(`PUBSUB NUMSUB says 1, PUBSUB SHARDNUMSUB says 1`);

  const cluster = findings.cluster;
  if (!cluster) throw new Error('the cluster part did not run: this test needs redis-server on PATH');
  expect(cluster.classicReceivedOnNode3, 'a classic message crosses to a subscriber on another node').toBe(50);
  expect(cluster.classicBusMessages, 'node 1 forwards each classic message to both other nodes').toBe(100);
  expect(cluster.movedError).toMatch(/^MOVED \d+ /);
  expect(cluster.movedError).toContain(String(cluster.shardChannel.slot));
  expect(cluster.shardedReceived).toBe(50);
  expect(cluster.shardedBusMessages, 'a sharded message never leaves a shard without replicas').toBe(0);
  expect(cluster.crossSlot.slots[0], 'the two unrelated channels hash to different slots').not.toBe(cluster.crossSlot.slots[1]);
  expect(cluster.crossSlot.error).toMatch(/^CROSSSLOT/);
  expect(cluster.hashTag.accepted, 'channels sharing a {hash tag} share a slot').toBe(true);
  expect(output).toContain(`node 1 sent 100 publish messages over the cluster bus`);
  expect(output).toContain(`cluster-bus publish messages sent by all nodes: 0`);
}, 60_000);
