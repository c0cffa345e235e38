/**
 * The live view's wire contract: what `npm start`'s site server answers under LIVE_BASE, and what
 * the site's theme (browser) reads. Shared by the server (Node) and the theme, so it imports nothing.
 *
 * Everything here acts on or reads the learner's brokers, so every endpoint answers only
 *   - on 127.0.0.1 (the site server binds nowhere else),
 *   - to a `Host` that is this server (127.0.0.1:<port> or localhost:<port>; DNS rebinding),
 *   - to requests from the site's own origin (`Origin`, and `Sec-Fetch-Site` where the browser
 *     sends it: cross-site forms and fetches),
 *   - with the session token (LIVE_TOKEN_HEADER, or `?token=` for EventSource, which cannot set
 *     headers), which the server puts into the pages it serves (LIVE_TOKEN_META) at start.
 * A refusal is a 403 (or 421 for a foreign Host) with a LiveRefusal body that says why.
 *
 * Brokers, offsets and ids are strings where Kafka's are 64-bit (offsets) or Redis's are ids.
 */
export const LIVE_BASE = '/__workbook/live';
export const LIVE_TOKEN_HEADER = 'x-workbook-token';
/** `<meta name=… content=token>` in every page the dev server serves. */
export const LIVE_TOKEN_META = 'workbook-live-token';

/** Paths under LIVE_BASE. */
export const LIVE_PATHS = {
  /** GET, Server-Sent Events: LiveEvent messages while the connection is open (see LiveStreamQuery). */
  events: '/events',
  /** POST RedisCommandRequest → RedisCommandReply (or 403 LiveRefusal for a refused command). */
  redisCommand: '/redis/command',
  /** POST KafkaProduceRequest → KafkaProduceReply. */
  kafkaProduce: '/kafka/produce',
  /** POST KafkaConsumerStartRequest → KafkaConsumerStartReply; its records arrive as `kafka-record` events.
   *  GET → KafkaConsumersReply: the console's consumers running now (so a page opened later can stop them). */
  kafkaConsumers: '/kafka/consumers',
  /** POST KafkaTopicCreateRequest → 201 KafkaTopicCreateReply (409 when it exists). */
  kafkaTopics: '/kafka/topics',
  /** POST (no body) `/kafka/topics/<name>/delete` → 204; 403 on KAFKA_BROKERS for a topic the console did not create. */
  kafkaTopicDelete: (name: string) => `/kafka/topics/${encodeURIComponent(name)}/delete`,
  /** POST (no body) `/kafka/consumers/<id>/stop` → 204: the consumer leaves its group. */
  kafkaConsumerStop: (id: string) => `/kafka/consumers/${encodeURIComponent(id)}/stop`,
  /** POST `/labs/<name>/run` → LabRunReply (409 LiveRefusal when a lab on that broker is running). */
  labRun: (name: string) => `/labs/${encodeURIComponent(name)}/run`,
  /** POST `/labs/runs/<runId>/stop` → 204 (404 when it is not running). */
  labStop: (runId: string) => `/labs/runs/${encodeURIComponent(runId)}/stop`,
  /** GET `/labs/runs/<runId>/output` → LabOutputReply: what a run printed so far, for a page opened mid-run. */
  labOutput: (runId: string) => `/labs/runs/${encodeURIComponent(runId)}/output`,
} as const;

/** Query of the events stream: `?token=…&tail=redis-channel:orders` (tail is optional, one at a time). */
export interface LiveStreamQuery {
  token: string;
  /** What to tail live, besides the snapshots: `redis-channel:<name>`, `redis-stream:<key>` or `kafka-topic:<name>`. */
  tail?: string;
}

export interface LiveRefusal {
  refused: string;
}

// ---------------------------------------------------------------- events (SSE `event:` names)

export type LiveEvent =
  | { type: 'snapshot'; data: LiveSnapshot }
  | { type: 'tail'; data: TailItem }
  | { type: 'kafka-record'; data: { consumerId: string; record: KafkaRecord } }
  /** A console consumer stopped other than by its stop route (it crashed, the broker went away). */
  | { type: 'kafka-consumer-end'; data: { consumerId: string; reason: string } }
  | { type: 'lab-output'; data: { runId: string; lab: string; line: string } }
  | { type: 'lab-exit'; data: { runId: string; lab: string; ok: boolean; summary: string } };

/** Sent at least every second (and sooner after a change) while a page is connected; never when none is. */
export interface LiveSnapshot {
  /** Milliseconds since the epoch, when the state was read. */
  at: number;
  kafka: BrokerView<KafkaView>;
  redis: BrokerView<RedisView>;
  /** Labs running now, so a page opened mid-run shows them. */
  labs: Array<{ runId: string; lab: string; broker: 'redis' | 'kafka' | 'sns' | 'none'; startedAt: number }>;
}

export type BrokerView<T> =
  | { state: 'starting' }
  | { state: 'unavailable'; reason: string }
  | ({ state: 'ready' } & T);

// ---------------------------------------------------------------- Kafka

export interface KafkaView {
  /** 'host:port,…' — what a client's bootstrap.servers takes. */
  bootstrap: string;
  /** True for the workbook's own broker; false for KAFKA_BROKERS. */
  embedded: boolean;
  /** Commands a learner can paste, e.g. `kcat -b 127.0.0.1:40123 -L`. */
  commands: string[];
  topics: KafkaTopicView[];
  groups: KafkaGroupView[];
  /** Newest last; bounded (the last 200). */
  timeline: KafkaTimelineEvent[];
}

export interface KafkaTopicView {
  name: string;
  /** Topics the workbook's own consumers/tests made are shown too; internal ones (`__…`) are not. */
  partitions: Array<{
    partition: number;
    leader: number;
    logStartOffset: string;
    highWatermark: string;
    lastStableOffset: string;
  }>;
  /** Records appended per second over the last few seconds (from the high watermarks' growth). */
  messagesPerSecond: number;
}

export interface KafkaGroupView {
  id: string;
  /** Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  state: string;
  /** Absent where the broker does not say (DescribeGroups carries none for real Kafka). */
  generation?: number;
  protocolType: string;
  /** The assignor, e.g. `range` or `RoundRobinAssigner`. */
  protocol: string;
  members: Array<{
    memberId: string;
    clientId: string;
    host: string;
    groupInstanceId?: string;
    assignment: Array<{ topic: string; partitions: number[] }>;
  }>;
  offsets: Array<{ topic: string; partition: number; committed: string | null; lag: number | null }>;
}

export type KafkaTimelineEvent =
  | { at: number; kind: 'rebalance'; group: string; generation?: number; joined: string[]; left: string[]; moved: Array<{ topic: string; partition: number; from: string | null; to: string | null }> }
  | { at: number; kind: 'transaction'; transactionalId: string; state: 'open' | 'committed' | 'aborted'; partitions: Array<{ topic: string; partition: number }> }
  | { at: number; kind: 'topic-created' | 'topic-deleted'; topic: string };

export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: string;
}

export interface KafkaProduceRequest {
  topic: string;
  key?: string;
  value: string;
  partition?: number;
}
export interface KafkaProduceReply {
  topic: string;
  partition: number;
  offset: string;
}

export interface KafkaConsumerStartRequest {
  topic: string;
  group: string;
  fromBeginning?: boolean;
}
export interface KafkaConsumerStartReply {
  consumerId: string;
}
export interface KafkaConsumersReply {
  consumers: Array<{ consumerId: string; topic: string; group: string }>;
}
export interface KafkaTopicCreateRequest {
  topic: string;
  /** Default 1. */
  partitions?: number;
}
export interface KafkaTopicCreateReply {
  topic: string;
  partitions: number;
}

// ---------------------------------------------------------------- Redis

export interface RedisView {
  url: string;
  embedded: boolean;
  /** e.g. `redis-cli -p 40123`. */
  commands: string[];
  channels: Array<{ name: string; subscribers: number; messagesPerSecond: number }>;
  /** PUBSUB NUMPAT, and the patterns themselves where the server lets us see them (CLIENT LIST). */
  patterns: { count: number; patterns: Array<{ pattern: string; subscribers: number }> };
  streams: RedisStreamView[];
}

export interface RedisStreamView {
  key: string;
  length: number;
  firstId: string | null;
  lastId: string | null;
  groups: Array<{
    name: string;
    lastDeliveredId: string;
    /** XINFO GROUPS' lag (Redis 7+); null where the server cannot say. */
    lag: number | null;
    pending: number;
    consumers: Array<{ name: string; pending: number; idleMs: number }>;
    /** The oldest pending entries (at most 50): XPENDING's extended form. */
    pendingEntries: Array<{ id: string; consumer: string; idleMs: number; deliveries: number }>;
  }>;
}

export type TailItem =
  | { source: 'redis-channel'; channel: string; pattern?: string; message: string; at: number }
  | { source: 'redis-stream'; key: string; id: string; fields: Record<string, string>; at: number }
  | { source: 'kafka-topic'; record: KafkaRecord; at: number };

/**
 * One command: its words, e.g. ['XADD', 'orders', '*', 'id', '1'], or the line as typed, which the
 * server reads as redis-cli does (quotes, escapes; `src/live/redis-command-line.ts`). `args` wins.
 */
export interface RedisCommandRequest {
  args?: string[];
  line?: string;
}
/** The reply as redis-cli would print it (lines), and as data. */
export interface RedisCommandReply {
  printed: string;
  reply: RedisReply;
}
export type RedisReply = null | string | number | { error: string } | RedisReply[];

// ---------------------------------------------------------------- Labs

export interface LabRunReply {
  runId: string;
}
/** The last 1000 lines of a run (running, or among the last few ended). */
export interface LabOutputReply {
  lines: string[];
}
