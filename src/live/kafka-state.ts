/**
 * Reads what the live view shows of Kafka, through the admin API and ListOffsets only, so it works
 * the same for the embedded broker and a real cluster (KAFKA_BROKERS): topics and partitions
 * (leader, log start, high watermark, last stable offset), messages per second from the high
 * watermarks' growth, groups with their members, assignments, committed offsets and lag, and a
 * timeline of rebalances and topics created/deleted, found by diffing one read against the last.
 *
 * Connections are opened by the first read and closed by `close()` (the last page gone): with no
 * page open, the brokers hear nothing from here.
 */
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { RawClient } from '../kafka/broker/testing/raw-client.ts';
import type { KafkaGroupView, KafkaTimelineEvent, KafkaTopicView, KafkaView } from './protocol.ts';
import type { LiveKafkaEndpoint } from './routes.ts';

/** Groups the live view itself runs (a tail of a topic) are not the learner's: hidden. */
export const LIVE_GROUP_PREFIX = '__workbook-live-';
const TIMELINE_LENGTH = 200;
const RATE_WINDOW_MS = 5_000;
const LIST_OFFSETS = 2;
const EARLIEST = -2;
const LATEST = -1;

type Offsets = Map<string, number>; // `${topic}/${partition}` → offset
type Committed = Awaited<ReturnType<Admin['fetchOffsets']>>;
/** How often an Empty group's committed offsets are read again. */
const IDLE_GROUP_REFRESH_MS = 5_000;

export class KafkaStateReader {
  private admin: Admin | undefined;
  private readonly raw = new Map<string, Promise<RawClient>>();
  private readonly timeline: KafkaTimelineEvent[] = [];
  /** Last read's topics and groups, to diff; undefined until a first read after (re)opening. */
  private previous: { topics: Set<string>; groups: Map<string, KafkaGroupView> } | undefined;
  /** (time, total high watermark) per topic over the last few seconds. */
  private readonly history = new Map<string, Array<{ at: number; total: number }>>();
  private readonly idleOffsets = new Map<string, { at: number; offsets: Committed }>();
  /** Each group's last Stable/Empty view: a rebalance is the difference between two of them. */
  private readonly settledGroups = new Map<string, KafkaGroupView>();

  constructor(private readonly endpoint: LiveKafkaEndpoint) {}

  async read(now = Date.now()): Promise<KafkaView> {
    const admin = await this.connectedAdmin();
    const [{ topics: metadata }, cluster, { groups: listed }] = await Promise.all([admin.fetchTopicMetadata(), admin.describeCluster(), admin.listGroups()]);
    const visible = metadata.filter((t) => !t.name.startsWith('__')).sort((a, b) => a.name.localeCompare(b.name));
    const addresses = new Map(cluster.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const leaders = new Map<string, number>();
    for (const topic of visible) for (const p of topic.partitions) leaders.set(key(topic.name, p.partitionId), p.leader);

    const [logStart, highWatermark, lastStable] = await Promise.all([
      this.listOffsets(leaders, addresses, EARLIEST, 0),
      this.listOffsets(leaders, addresses, LATEST, 0),
      this.listOffsets(leaders, addresses, LATEST, 1),
    ]);

    const topics: KafkaTopicView[] = visible.map((topic) => {
      const partitions = [...topic.partitions]
        .sort((a, b) => a.partitionId - b.partitionId)
        .map((p) => {
          const k = key(topic.name, p.partitionId);
          return {
            partition: p.partitionId,
            leader: p.leader,
            logStartOffset: String(logStart.get(k) ?? 0),
            highWatermark: String(highWatermark.get(k) ?? 0),
            lastStableOffset: String(lastStable.get(k) ?? highWatermark.get(k) ?? 0),
          };
        });
      const total = partitions.reduce((sum, p) => sum + Number(p.highWatermark), 0);
      return { name: topic.name, partitions, messagesPerSecond: this.rate(topic.name, total, now) };
    });

    for (const name of this.history.keys()) if (!topics.some((t) => t.name === name)) this.history.delete(name);
    const groupIds = listed.map((g) => g.groupId).filter((id) => !id.startsWith(LIVE_GROUP_PREFIX)).sort();
    const groups = groupIds.length > 0 ? await this.readGroups(admin, groupIds, highWatermark) : [];

    this.recordChanges(topics, groups, now);
    return {
      bootstrap: this.endpoint.brokers.join(','),
      embedded: this.endpoint.embedded,
      commands: kafkaCommands(this.endpoint.brokers.join(',')),
      topics,
      groups,
      timeline: [...this.timeline],
    };
  }

  /** Closes every connection; the timeline stays (a page opened later still shows it). */
  async close(): Promise<void> {
    this.previous = undefined;
    this.history.clear();
    this.settledGroups.clear();
    this.idleOffsets.clear();
    await this.disconnect();
  }

  /** Drops the connections only (after a failed read): the next read reconnects and diffs against the last good one. */
  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    const raws = [...this.raw.values()];
    this.raw.clear();
    for (const raw of raws) void raw.then((client) => client.close(), () => {});
    await admin?.disconnect().catch(() => {});
  }

  /**
   * The embedded broker tells of each transaction as it opens and ends (a real cluster's admin API
   * cannot: DescribeTransactions is flexible-only); `changed` is called after each. Undefined when
   * the broker cannot tell. Returns how to stop listening.
   */
  watchTransactions(changed: () => void): (() => void) | undefined {
    return this.endpoint.inspector?.observeTransactions((event) => {
      this.push({ at: Date.now(), kind: 'transaction', ...event });
      changed();
    });
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const kafka = new Kafka({ clientId: 'workbook-live-view', brokers: this.endpoint.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  private async readGroups(admin: Admin, ids: string[], highWatermark: Offsets): Promise<KafkaGroupView[]> {
    const { groups } = await admin.describeGroups(ids);
    return Promise.all(
      groups.map(async (group): Promise<KafkaGroupView> => {
        const members = group.members.map((member) => ({
          memberId: member.memberId,
          clientId: member.clientId,
          host: member.clientHost,
          assignment: group.protocolType === 'consumer' ? decodeAssignment(member.memberAssignment) : [],
        }));
        const committed = await this.committedOffsets(admin, group.groupId, group.state);
        const offsets: KafkaGroupView['offsets'] = [];
        const seen = new Set<string>();
        for (const { topic, partitions } of committed) {
          for (const { partition, offset } of partitions) {
            const k = key(topic, partition);
            seen.add(k);
            const value = Number(offset) >= 0 ? offset : null;
            const high = highWatermark.get(k);
            offsets.push({ topic, partition, committed: value, lag: value !== null && high !== undefined ? Math.max(0, high - Number(value)) : null });
          }
        }
        // Partitions assigned but never committed: their lag is unknown, but they belong in the picture.
        for (const member of members) {
          for (const { topic, partitions } of member.assignment) {
            for (const partition of partitions) {
              if (!seen.has(key(topic, partition))) offsets.push({ topic, partition, committed: null, lag: null });
              seen.add(key(topic, partition));
            }
          }
        }
        offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        const generation = this.endpoint.inspector?.generation(group.groupId);
        return { id: group.groupId, state: group.state, ...(generation === undefined ? {} : { generation }), protocolType: group.protocolType, protocol: group.protocol, members, offsets };
      }),
    );
  }

  /**
   * A group's committed offsets. An Empty group's change only when someone commits from outside
   * (rare): they are asked for every few seconds rather than every read, so the dozens of finished
   * groups a session's tests leave behind cost the broker little while a page is open.
   */
  private async committedOffsets(admin: Admin, groupId: string, state: string): Promise<Committed> {
    const cached = this.idleOffsets.get(groupId);
    if (state === 'Empty' && cached && Date.now() - cached.at < IDLE_GROUP_REFRESH_MS) return cached.offsets;
    const offsets: Committed = await admin.fetchOffsets({ groupId }).catch(() => []);
    if (state === 'Empty') this.idleOffsets.set(groupId, { at: Date.now(), offsets });
    else this.idleOffsets.delete(groupId);
    return offsets;
  }

  /** ListOffsets v2 (isolation 0: high watermark; 1: last stable offset; timestamp -2: log start) to each partition's leader. */
  private async listOffsets(leaders: Map<string, number>, addresses: Map<number, string>, timestamp: number, isolation: 0 | 1): Promise<Offsets> {
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const [k, leader] of leaders) {
      const [topic, partition] = splitKey(k);
      const topics = byLeader.get(leader) ?? new Map<string, number[]>();
      topics.set(topic, [...(topics.get(topic) ?? []), partition]);
      byLeader.set(leader, topics);
    }
    const result: Offsets = new Map();
    await Promise.all(
      [...byLeader].map(async ([leader, topics]) => {
        const address = addresses.get(leader);
        if (!address) return;
        const client = await this.rawClient(address);
        const reply = await client.request(LIST_OFFSETS, 2, (w) => {
          w.int32(-1).int8(isolation).int32(topics.size);
          for (const [topic, partitions] of topics) {
            w.string(topic).int32(partitions.length);
            for (const partition of partitions) w.int32(partition).int64(timestamp);
          }
        }, 'workbook-live-view');
        reply.int32(); // throttle time
        reply.array(6, (r) => {
          const topic = r.string();
          r.array(22, (p) => {
            const partition = p.int32();
            const error = p.int16();
            p.int64(); // timestamp
            const offset = p.int64();
            if (error === 0) result.set(key(topic, partition), offset);
          });
        });
      }),
    );
    return result;
  }

  private rawClient(address: string): Promise<RawClient> {
    let client = this.raw.get(address);
    if (!client) {
      client = RawClient.connect(address);
      this.raw.set(address, client);
      // A broker that closed the connection is reconnected on the next read.
      void client.then((c) => c.closed.then(() => this.raw.get(address) === client && this.raw.delete(address)), () => this.raw.delete(address));
    }
    return client;
  }

  private rate(topic: string, total: number, now: number): number {
    const samples = (this.history.get(topic) ?? []).filter((s) => now - s.at <= RATE_WINDOW_MS);
    samples.push({ at: now, total });
    this.history.set(topic, samples);
    const first = samples[0];
    if (!first || now - first.at < 200) return 0;
    return Math.max(0, Math.round(((total - first.total) * 1000) / (now - first.at)));
  }

  private recordChanges(topics: KafkaTopicView[], groups: KafkaGroupView[], now: number): void {
    const names = new Set(topics.map((t) => t.name));
    const baseline = this.previous === undefined;
    const previous = this.previous ?? { topics: names, groups: new Map<string, KafkaGroupView>() };
    this.previous = { topics: names, groups: new Map(groups.map((g) => [g.id, g])) };
    for (const name of names) if (!previous.topics.has(name)) this.push({ at: now, kind: 'topic-created', topic: name });
    for (const name of previous.topics) if (!names.has(name)) this.push({ at: now, kind: 'topic-deleted', topic: name });
    for (const group of groups) {
      // Mid-rebalance reads show members without assignments: compare settled states only.
      if (group.state !== 'Stable' && group.state !== 'Empty') continue;
      const before = this.settledGroups.get(group.id);
      this.settledGroups.set(group.id, group);
      if (baseline) continue; // the first read after opening is what was there: no event
      const change = rebalanceBetween(before ?? { ...group, members: [] }, group);
      if (change) this.push({ at: now, kind: 'rebalance', group: group.id, ...(group.generation === undefined ? {} : { generation: group.generation }), ...change });
    }
  }

  private push(event: KafkaTimelineEvent): void {
    this.timeline.push(event);
    if (this.timeline.length > TIMELINE_LENGTH) this.timeline.splice(0, this.timeline.length - TIMELINE_LENGTH);
  }
}

type Rebalance = Omit<Extract<KafkaTimelineEvent, { kind: 'rebalance' }>, 'at' | 'kind' | 'group'>;

/** Who joined, who left and which partitions changed owner between two settled views of a group; undefined when nothing did. */
export function rebalanceBetween(before: KafkaGroupView, after: KafkaGroupView): Rebalance | undefined {
  const beforeIds = new Set(before.members.map((m) => m.memberId));
  const afterIds = new Set(after.members.map((m) => m.memberId));
  const joined = [...afterIds].filter((id) => !beforeIds.has(id));
  const left = [...beforeIds].filter((id) => !afterIds.has(id));
  const ownersBefore = owners(before);
  const ownersAfter = owners(after);
  const moved: Rebalance['moved'] = [];
  for (const k of new Set([...ownersBefore.keys(), ...ownersAfter.keys()])) {
    const from = ownersBefore.get(k) ?? null;
    const to = ownersAfter.get(k) ?? null;
    if (from === to) continue;
    const [topic, partition] = splitKey(k);
    moved.push({ topic, partition, from, to });
  }
  moved.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (joined.length === 0 && left.length === 0 && moved.length === 0) return undefined;
  return { joined, left, moved };
}

function owners(group: KafkaGroupView): Map<string, string> {
  const result = new Map<string, string>();
  for (const member of group.members) {
    for (const { topic, partitions } of member.assignment) for (const partition of partitions) result.set(key(topic, partition), member.memberId);
  }
  return result;
}

function decodeAssignment(buffer: Buffer): Array<{ topic: string; partitions: number[] }> {
  if (buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    if (!decoded) return [];
    return Object.entries(decoded.assignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    return []; // not the consumer protocol's encoding (another client's own protocol): shown without partitions
  }
}

export function kafkaCommands(bootstrap: string): string[] {
  return [
    `kcat -b ${bootstrap} -L`,
    `kafka-topics.sh --bootstrap-server ${bootstrap} --list`,
    `kafka-consumer-groups.sh --bootstrap-server ${bootstrap} --describe --all-groups`,
  ];
}

function key(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** Topic names cannot contain '/', so the last one splits. */
function splitKey(k: string): [string, number] {
  const at = k.lastIndexOf('/');
  return [k.slice(0, at), Number(k.slice(at + 1))];
}
