/**
 * Topic configs given to CreateTopics. Unknown names are refused like Kafka does; only the retention
 * settings and max.message.bytes change behaviour here, the rest are accepted and kept.
 */

export interface TopicConfig {
  /** -1: keep forever. */
  retentionMs: number;
  /** -1: no size limit. */
  retentionBytes: number;
  maxMessageBytes: number;
  /** Every entry as given, for the record. */
  entries: Map<string, string>;
}

/** Kafka's broker defaults: log.retention.hours=168, log.retention.bytes=-1, message.max.bytes=1048588. */
export const DEFAULT_TOPIC_CONFIG: Readonly<Omit<TopicConfig, 'entries'>> = {
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1_048_588,
};

const KNOWN_CONFIGS = new Set([
  'cleanup.policy',
  'compression.type',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
]);

export type ConfigParse = { ok: true; config: TopicConfig } | { ok: false; message: string };

export function parseTopicConfig(entries: ReadonlyArray<{ name: string; value: string | null }>): ConfigParse {
  const config: TopicConfig = { ...DEFAULT_TOPIC_CONFIG, entries: new Map() };
  for (const { name, value } of entries) {
    if (!KNOWN_CONFIGS.has(name)) return { ok: false, message: `Unknown topic config name: ${name}` };
    if (value === null) continue;
    config.entries.set(name, value);
    if (name === 'retention.ms' || name === 'retention.bytes' || name === 'max.message.bytes') {
      const number = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      const min = name === 'max.message.bytes' ? 0 : -1;
      if (!Number.isSafeInteger(number) || number < min) {
        return { ok: false, message: `Invalid value ${value} for configuration ${name}: must be an integer >= ${min}` };
      }
      if (name === 'retention.ms') config.retentionMs = number;
      else if (name === 'retention.bytes') config.retentionBytes = number;
      else config.maxMessageBytes = number;
    }
  }
  return { ok: true, config };
}
