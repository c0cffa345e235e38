import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { WorkbookError, describeError } from '../../src/harness/errors.ts';
import { findSystemBinary } from '../../src/harness/redis.ts';
import { defineLab } from '../../src/labs/lab.ts';
import { clusterInfo, startPrivateCluster, type ClusterNode, type PrivateCluster } from './private-cluster.ts';

export interface OneServerFindings {
  version: string;
  /** What PUBLISH and SPUBLISH answered for the same channel name. */
  publishReceivers: number;
  spublishReceivers: number;
  /** What the SUBSCRIBE and the SSUBSCRIBE connection received, in order. */
  classicReceived: string[];
  shardedReceived: string[];
  numsub: number;
  shardnumsub: number;
  /** The server's answer to PSSUBSCRIBE: sharded Pub/Sub has no pattern form. */
  patternError: string;
  /** One SSUBSCRIBE for two channels in different slots: accepted by a single server. */
  crossSlotAccepted: boolean;
}

export interface ClusterFindings {
  messages: number;
  classicChannel: string;
  /** PUBLISH on node 1, received by a SUBSCRIBE connection on node 3. */
  classicReceivedOnNode3: number;
  /** Cluster-bus messages node 1 sent to pass those PUBLISHes on. */
  classicBusMessages: number;
  shardChannel: { name: string; slot: number; owner: string };
  /** SPUBLISH sent to a node that does not own the slot. */
  movedError: string;
  shardedReceived: number;
  /** Cluster-bus messages, summed over all nodes, for the SPUBLISHes on the owner. */
  shardedBusMessages: number;
  crossSlot: { channels: [string, string]; slots: [number, number]; error: string };
  hashTag: { channels: [string, string]; slot: number; accepted: boolean };
}

export interface ShardedFindings {
  oneServer: OneServerFindings;
  /** Undefined when no redis-server binary was available to start a private cluster. */
  cluster?: ClusterFindings;
}

export interface ShardedOptions {
  /** Messages published per kind in the cluster part. */
  messages: number;
}

const WAIT_MS = 5_000;

export default defineLab<ShardedFindings, ShardedOptions>(async ({ log, redisUrl }, options) => {
  const messages = options.messages ?? 100;
  const oneServer = await onOneServer(redisUrl(), log);
  log('');
  if (process.env.REDIS_URL?.trim() && !findSystemBinary()) {
    log('Part 2 starts a private three-node cluster from a redis-server binary on this machine, and there is none');
    log('(you are using REDIS_URL). Install redis-server to see what sharding changes in a cluster.');
    return { oneServer };
  }
  const cluster = await inACluster(messages, log);
  log('');
  log('Sharded Pub/Sub is a routing decision. On one server it only gives channels a second namespace. In a cluster,');
  log('a classic message costs one bus message for every other node, so its cost grows with the size of the cluster;');
  log("a sharded message stays on the shard that owns its slot. The price is that subscribers must connect to that");
  log('node (a cluster client such as ioredis.Cluster does this for you), there are no patterns, and one SSUBSCRIBE');
  log('may only name channels of one slot.');
  return { oneServer, cluster };
});

async function onOneServer(url: string, log: (line?: string) => void): Promise<OneServerFindings> {
  const channel = `lab:sharded:${randomUUID().slice(0, 8)}:news`;
  const publisher = new Redis(url);
  const classic = new Redis(url);
  const sharded = new Redis(url);
  const other = new Redis(url);
  for (const client of [publisher, classic, sharded, other]) client.on('error', () => {});
  try {
    const version = await redisVersion(publisher);
    if (Number(version.split('.')[0]) < 7) {
      throw new WorkbookError(`Sharded Pub/Sub needs Redis 7 or later, and this server is ${version}: run the lab on the embedded server (unset REDIS_URL).`);
    }
    log(`Part 1: one server (${url}, Redis ${version})`);
    const classicReceived: string[] = [];
    const shardedReceived: string[] = [];
    const classicDone = new Promise<void>((resolve) =>
      classic.on('message', (_c: string, m: string) => {
        classicReceived.push(m);
        if (m === 'end') resolve();
      }),
    );
    const shardedDone = new Promise<void>((resolve) =>
      sharded.on('smessage', (_c: string, m: string) => {
        shardedReceived.push(m);
        if (m === 'end') resolve();
      }),
    );
    await classic.subscribe(channel);
    await sharded.ssubscribe(channel);
    log(`  one connection SUBSCRIBEs to ${channel}, another SSUBSCRIBEs to the same name`);

    const publishReceivers = await publisher.publish(channel, 'classic');
    const spublishReceivers = Number(await publisher.spublish(channel, 'sharded'));
    // An 'end' after each: every connection has received whatever it was going to before its 'end'.
    await publisher.publish(channel, 'end');
    await publisher.spublish(channel, 'end');
    await within(Promise.all([classicDone, shardedDone]), 'both subscribers receiving their last message');
    log(`  PUBLISH  → ${publishReceivers} receiver; the SUBSCRIBE connection got: ${classicReceived.join(', ')}`);
    log(`  SPUBLISH → ${spublishReceivers} receiver; the SSUBSCRIBE connection got: ${shardedReceived.join(', ')}`);

    const numsub = Number(((await publisher.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
    const shardnumsub = Number(((await publisher.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
    log(`  two namespaces for one name: PUBSUB NUMSUB says ${numsub}, PUBSUB SHARDNUMSUB says ${shardnumsub}`);

    const patternError = await other.call('PSSUBSCRIBE', `${channel}*`).then(
      () => 'accepted',
      (error: unknown) => firstLine(error),
    );
    log(`  no patterns: PSSUBSCRIBE → ${patternError}`);

    const pair = [`${channel}:orders:1`, `${channel}:orders:2`];
    const crossSlotAccepted = await other.ssubscribe(...pair).then(
      () => true,
      () => false,
    );
    log(`  SSUBSCRIBE to two unrelated channels in one command → ${crossSlotAccepted ? 'accepted: one server owns every slot' : 'refused'}`);
    return { version, publishReceivers, spublishReceivers, classicReceived, shardedReceived, numsub, shardnumsub, patternError, crossSlotAccepted };
  } finally {
    for (const client of [publisher, classic, sharded, other]) client.disconnect();
  }
}

async function inACluster(messages: number, log: (line?: string) => void): Promise<ClusterFindings> {
  log('Part 2: a private three-node cluster (slots 0–5460, 5461–10922, 10923–16383; no replicas), starting...');
  const cluster = await startPrivateCluster();
  const subscribers: Redis[] = [];
  const subscriberOn = (node: ClusterNode): Redis => {
    const client = new Redis(node.url);
    client.on('error', () => {});
    subscribers.push(client);
    return client;
  };
  try {
    const [node1, , node3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];

    // The cluster is private to this run, so plain names cannot collide with anyone else's.
    // Classic: published on node 1, subscribed on node 3.
    const classicChannel = 'news';
    const classic = subscriberOn(node3);
    const classicCount = counter(classic, 'message', messages);
    await classic.subscribe(classicChannel);
    const busBefore = await busCounters(cluster);
    for (let i = 0; i < messages; i++) await node1.client.publish(classicChannel, `m${i}`);
    await within(classicCount.done, `the SUBSCRIBE connection on node 3 receiving ${messages} messages`);
    const classicBusMessages = (await busCounters(cluster)).publish - busBefore.publish;
    log(`  PUBLISH ×${messages} on node 1: a SUBSCRIBE connection on node 3 received ${classicCount.value()};`);
    log(`    node 1 sent ${classicBusMessages} publish messages over the cluster bus: every message goes to every other node`);

    // Sharded: only the slot's owner takes it.
    const shardName = 'orders:1';
    const { node: owner, slot } = await cluster.ownerOf(shardName);
    const notOwner = cluster.nodes.find((n) => n !== owner) as ClusterNode;
    const movedError = await notOwner.client.spublish(shardName, 'x').then(
      () => 'accepted',
      (error: unknown) => firstLine(error),
    );
    log(`  ${shardName} hashes to slot ${slot}, owned by ${owner.name}`);
    log(`  SPUBLISH on ${notOwner.name} → ${movedError}`);
    const sharded = subscriberOn(owner);
    const shardedCount = counter(sharded, 'smessage', messages);
    await sharded.ssubscribe(shardName);
    const shardBefore = await busCounters(cluster);
    for (let i = 0; i < messages; i++) await owner.client.spublish(shardName, `m${i}`);
    await within(shardedCount.done, `the SSUBSCRIBE connection on ${owner.name} receiving ${messages} messages`);
    const shardAfter = await busCounters(cluster);
    const shardedBusMessages = shardAfter.publish + shardAfter.publishShard - shardBefore.publish - shardBefore.publishShard;
    log(`  SPUBLISH ×${messages} on ${owner.name}: its SSUBSCRIBE connection received ${shardedCount.value()};`);
    log(`    cluster-bus publish messages sent by all nodes: ${shardedBusMessages} (the message stays in its shard; a replica would get a copy)`);

    // One SSUBSCRIBE, one slot.
    const crossChannels: [string, string] = ['orders:1', 'orders:2'];
    const crossSlots = (await Promise.all(crossChannels.map(async (c) => (await cluster.ownerOf(c)).slot))) as [number, number];
    const crossError = await subscriberOn(owner)
      .ssubscribe(...crossChannels)
      .then(
        () => 'accepted',
        (error: unknown) => firstLine(error),
      );
    log(`  SSUBSCRIBE ${crossChannels.join(' ')} (slots ${crossSlots.join(' and ')}) → ${crossError}`);
    const tagged: [string, string] = ['{orders}:1', '{orders}:2'];
    const { node: tagOwner, slot: tagSlot } = await cluster.ownerOf(tagged[0]);
    const hashTagAccepted = await subscriberOn(tagOwner)
      .ssubscribe(...tagged)
      .then(
        () => true,
        () => false,
      );
    log(`  SSUBSCRIBE ${tagged.join(' ')} on ${tagOwner.name} → ${hashTagAccepted ? 'accepted' : 'refused'}: only the part in {braces} is hashed, so both are slot ${tagSlot}`);

    return {
      messages,
      classicChannel,
      classicReceivedOnNode3: classicCount.value(),
      classicBusMessages,
      shardChannel: { name: shardName, slot, owner: owner.name },
      movedError,
      shardedReceived: shardedCount.value(),
      shardedBusMessages,
      crossSlot: { channels: crossChannels, slots: crossSlots, error: crossError },
      hashTag: { channels: tagged, slot: tagSlot, accepted: hashTagAccepted },
    };
  } finally {
    for (const client of subscribers) client.disconnect();
    await cluster.stop();
  }
}

/** Counts `event`s on a subscriber; `done` resolves at `target`. */
function counter(client: Redis, event: 'message' | 'smessage', target: number): { value: () => number; done: Promise<void> } {
  let count = 0;
  const done = new Promise<void>((resolve) =>
    client.on(event, () => {
      if (++count === target) resolve();
    }),
  );
  return { value: () => count, done };
}

/** Publish messages sent over the cluster bus, summed over the nodes. */
async function busCounters(cluster: PrivateCluster): Promise<{ publish: number; publishShard: number }> {
  const infos = await Promise.all(cluster.nodes.map((n) => clusterInfo(n.client)));
  const sum = (field: string): number => infos.reduce((total, info) => total + Number(info[field] ?? 0), 0);
  return { publish: sum('cluster_stats_messages_publish_sent'), publishShard: sum('cluster_stats_messages_publishshard_sent') };
}

async function redisVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WorkbookError(`${what} did not happen within ${WAIT_MS / 1000} s; run the lab again.`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(error: unknown): string {
  return (describeError(error).split('\n')[0] ?? '').trim();
}
