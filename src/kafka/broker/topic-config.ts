/**
 * Topic configs as Kafka 3.9 defines and reports them: every name, type and default a real broker
 * lists in DescribeConfigs, in the same order. A topic's effective value comes from the first layer
 * that sets it: the topic's own override, a dynamic broker config (broker-config.ts), the default.
 *
 * The settings the broker honours (retention, segments, cleanup policy, max message size) are kept
 * as numbers on the TopicConfig that every partition log of the topic shares, and recomputed when a
 * layer changes, so AlterConfigs takes effect at once.
 */
import type { BrokerConfigs } from './broker-config.ts';

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'LIST';

/** DescribeConfigs' ConfigType field (v3+). */
export const CONFIG_TYPE_CODE: Readonly<Record<ConfigType, number>> = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 };

/** DescribeConfigs' ConfigSource field (v1+). */
export const ConfigSource = {
  DYNAMIC_TOPIC: 1,
  DYNAMIC_BROKER: 2,
  DYNAMIC_DEFAULT_BROKER: 3,
  STATIC_BROKER: 4,
  DEFAULT: 5,
} as const;
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

export interface ConfigDef {
  name: string;
  type: ConfigType;
  defaultValue: string | null;
  min?: number;
  /** Allowed values (each list item for LIST). */
  oneOf?: readonly string[];
}

export interface TopicConfigDef extends ConfigDef {
  /** The broker config that supplies this topic config's default (log.cleanup.policy, ...). */
  brokerName?: string;
  /** Kafka lists the broker default as a synonym; not for retention.ms/segment.ms, whose default comes from *.hours. */
  defaultSynonym: boolean;
  /** retention.ms/segment.ms: the *.hours default Kafka lists only once a dynamic *.ms is set. */
  hoursSynonym?: string;
}

const LONG_MAX = '9223372036854775807';
const topic = (name: string, type: ConfigType, defaultValue: string, brokerName?: string, extra: Partial<TopicConfigDef> = {}): TopicConfigDef => ({
  name,
  type,
  defaultValue,
  ...(brokerName ? { brokerName } : {}),
  defaultSynonym: brokerName !== undefined,
  ...extra,
});

/** In the order Kafka 3.9 lists them. */
export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  topic('compression.type', 'STRING', 'producer', 'compression.type', { oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] }),
  topic('remote.log.delete.on.disable', 'BOOLEAN', 'false'),
  topic('leader.replication.throttled.replicas', 'LIST', ''),
  topic('remote.storage.enable', 'BOOLEAN', 'false'),
  topic('message.downconversion.enable', 'BOOLEAN', 'true', 'log.message.downconversion.enable'),
  topic('min.insync.replicas', 'INT', '1', 'min.insync.replicas', { min: 1 }),
  topic('segment.jitter.ms', 'LONG', '0', undefined, { min: 0 }),
  topic('remote.log.copy.disable', 'BOOLEAN', 'false'),
  topic('local.retention.ms', 'LONG', '-2', 'log.local.retention.ms', { min: -2 }),
  topic('cleanup.policy', 'LIST', 'delete', 'log.cleanup.policy', { oneOf: ['compact', 'delete'] }),
  topic('flush.ms', 'LONG', LONG_MAX, undefined, { min: 0 }),
  topic('follower.replication.throttled.replicas', 'LIST', ''),
  topic('compression.lz4.level', 'INT', '9', 'compression.lz4.level', { min: 1 }),
  // Kafka 3.9's lower bound is a v0 record's overhead (14 bytes).
  topic('segment.bytes', 'INT', '1073741824', 'log.segment.bytes', { min: 14 }),
  { name: 'retention.ms', type: 'LONG', defaultValue: '604800000', brokerName: 'log.retention.ms', defaultSynonym: false, hoursSynonym: 'log.retention.hours', min: -1 },
  topic('compression.gzip.level', 'INT', '-1', 'compression.gzip.level', { min: -1 }),
  topic('flush.messages', 'LONG', LONG_MAX, 'log.flush.interval.messages', { min: 1 }),
  topic('compression.zstd.level', 'INT', '3', 'compression.zstd.level'),
  topic('message.format.version', 'STRING', '3.0-IV1', 'log.message.format.version'),
  topic('max.compaction.lag.ms', 'LONG', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', { min: 1 }),
  topic('file.delete.delay.ms', 'LONG', '60000', 'log.segment.delete.delay.ms', { min: 0 }),
  topic('max.message.bytes', 'INT', '1048588', 'message.max.bytes', { min: 0 }),
  topic('min.compaction.lag.ms', 'LONG', '0', 'log.cleaner.min.compaction.lag.ms', { min: 0 }),
  topic('message.timestamp.type', 'STRING', 'CreateTime', 'log.message.timestamp.type', { oneOf: ['CreateTime', 'LogAppendTime'] }),
  topic('local.retention.bytes', 'LONG', '-2', 'log.local.retention.bytes', { min: -2 }),
  topic('preallocate', 'BOOLEAN', 'false', 'log.preallocate'),
  topic('min.cleanable.dirty.ratio', 'DOUBLE', '0.5', 'log.cleaner.min.cleanable.ratio', { min: 0 }),
  topic('index.interval.bytes', 'INT', '4096', 'log.index.interval.bytes', { min: 0 }),
  topic('unclean.leader.election.enable', 'BOOLEAN', 'false', 'unclean.leader.election.enable'),
  topic('retention.bytes', 'LONG', '-1', 'log.retention.bytes'),
  topic('delete.retention.ms', 'LONG', '86400000', 'log.cleaner.delete.retention.ms', { min: 0 }),
  topic('message.timestamp.after.max.ms', 'LONG', LONG_MAX, 'log.message.timestamp.after.max.ms', { min: 0 }),
  topic('message.timestamp.before.max.ms', 'LONG', LONG_MAX, 'log.message.timestamp.before.max.ms', { min: 0 }),
  { name: 'segment.ms', type: 'LONG', defaultValue: '604800000', brokerName: 'log.roll.ms', defaultSynonym: false, hoursSynonym: 'log.roll.hours', min: 1 },
  topic('message.timestamp.difference.max.ms', 'LONG', LONG_MAX, 'log.message.timestamp.difference.max.ms', { min: 0 }),
  topic('segment.index.bytes', 'INT', '10485760', 'log.index.size.max.bytes', { min: 4 }),
];

const TOPIC_CONFIG_BY_NAME = new Map(TOPIC_CONFIGS.map((def) => [def.name, def]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return TOPIC_CONFIG_BY_NAME.get(name);
}

/** Kafka's ConfigDef checks: the message is the one a Kafka broker gives, or undefined when valid. */
export function invalidValue(def: ConfigDef, value: string): string | undefined {
  const bad = (why: string): string => `Invalid value ${value} for configuration ${def.name}: ${why}`;
  const trimmed = value.trim();
  switch (def.type) {
    case 'BOOLEAN':
      return /^(true|false)$/i.test(trimmed) ? undefined : bad('Expected value to be either true or false');
    case 'INT':
    case 'LONG': {
      if (!/^-?\d+$/.test(trimmed)) return bad(`Not a number of type ${def.type}`);
      const number = BigInt(trimmed);
      const limit = def.type === 'INT' ? 2n ** 31n : 2n ** 63n;
      if (number < -limit || number >= limit) return bad(`Not a number of type ${def.type}`);
      if (def.min !== undefined && number < BigInt(def.min)) return bad(`Value must be at least ${def.min}`);
      return undefined;
    }
    case 'DOUBLE': {
      const number = Number(trimmed);
      if (trimmed === '' || Number.isNaN(number)) return bad('Not a number of type DOUBLE');
      if (def.min !== undefined && number < def.min) return bad(`Value must be at least ${def.min}`);
      return undefined;
    }
    case 'LIST': {
      if (!def.oneOf) return undefined;
      const items = listItems(value);
      const wrong = items.find((item) => !def.oneOf!.includes(item));
      if (wrong !== undefined) return bad(`String must be one of: ${def.oneOf.join(', ')}`);
      if (items.length === 0 && def.name === 'cleanup.policy') return bad('Empty list is not allowed');
      return undefined;
    }
    case 'STRING':
      return def.oneOf && !def.oneOf.includes(trimmed) ? bad(`String must be one of: ${def.oneOf.join(', ')}`) : undefined;
  }
}

export function listItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export interface ResolvedConfig {
  value: string | null;
  source: ConfigSource;
  /** Every layer that sets it, most specific first (DescribeConfigs' synonyms). */
  synonyms: Array<{ name: string; value: string | null; source: ConfigSource }>;
}

export interface CleanupPolicy {
  delete: boolean;
  compact: boolean;
}

/** One topic's configs: its overrides plus the numbers the log acts on, kept in step with the layers. */
export class TopicConfig {
  /** -1: keep forever. */
  retentionMs = 0;
  /** -1: no size limit. */
  retentionBytes = 0;
  maxMessageBytes = 0;
  /** A segment rolls once its first record is this old... */
  segmentMs = 0;
  /** ...or once it holds this many bytes. */
  segmentBytes = 0;
  cleanupPolicy: CleanupPolicy = { delete: true, compact: false };
  /** How long compaction keeps a tombstone (a null value) after its segment was last written. */
  deleteRetentionMs = 0;

  constructor(
    private readonly broker: BrokerConfigs,
    /** The topic's own settings (DYNAMIC_TOPIC_CONFIG), as given. */
    readonly overrides: Map<string, string> = new Map(),
  ) {
    this.refresh();
  }

  resolve(def: TopicConfigDef): ResolvedConfig {
    const synonyms: ResolvedConfig['synonyms'] = [];
    const own = this.overrides.get(def.name);
    if (own !== undefined) synonyms.push({ name: def.name, value: own, source: ConfigSource.DYNAMIC_TOPIC });
    if (def.brokerName) {
      const dynamic = this.broker.dynamicLayers(def.brokerName);
      for (const layer of dynamic) synonyms.push({ name: def.brokerName, ...layer });
      if (def.hoursSynonym && dynamic.length > 0) synonyms.push({ name: def.hoursSynonym, value: '168', source: ConfigSource.DEFAULT });
      if (def.defaultSynonym) synonyms.push({ name: def.brokerName, value: this.broker.staticValue(def.brokerName) ?? def.defaultValue, source: ConfigSource.DEFAULT });
    }
    const first = synonyms[0];
    return first ? { value: first.value, source: first.source, synonyms } : { value: def.defaultValue, source: ConfigSource.DEFAULT, synonyms };
  }

  value(name: string): string | null {
    const def = topicConfigDef(name);
    return def ? this.resolve(def).value : null;
  }

  /** Recomputes the numbers the broker acts on; call after any layer changes. */
  refresh(): void {
    const number = (name: string): number => {
      const value = Number(this.value(name));
      return Number.isFinite(value) ? value : Number.MAX_SAFE_INTEGER;
    };
    this.retentionMs = number('retention.ms');
    this.retentionBytes = number('retention.bytes');
    this.maxMessageBytes = number('max.message.bytes');
    this.segmentMs = number('segment.ms');
    this.segmentBytes = number('segment.bytes');
    this.deleteRetentionMs = number('delete.retention.ms');
    const policy = listItems(this.value('cleanup.policy') ?? 'delete');
    this.cleanupPolicy = { delete: policy.includes('delete'), compact: policy.includes('compact') };
  }
}

export type ConfigProblem = { ok: true } | { ok: false; message: string };

/** Checks names and values of topic settings (CreateTopics, AlterConfigs). */
export function checkTopicConfigs(entries: ReadonlyArray<{ name: string; value: string | null }>): ConfigProblem {
  for (const { name, value } of entries) {
    const def = topicConfigDef(name);
    if (!def) return { ok: false, message: `Unknown topic config name: ${name}` };
    if (value === null) continue;
    const problem = invalidValue(def, value);
    if (problem) return { ok: false, message: problem };
  }
  return { ok: true };
}

export type ConfigParse = { ok: true; config: TopicConfig } | { ok: false; message: string };

export function parseTopicConfig(entries: ReadonlyArray<{ name: string; value: string | null }>, broker: BrokerConfigs): ConfigParse {
  const checked = checkTopicConfigs(entries);
  if (!checked.ok) return checked;
  const overrides = new Map<string, string>();
  for (const { name, value } of entries) if (value !== null) overrides.set(name, value);
  return { ok: true, config: new TopicConfig(broker, overrides) };
}
