/**
 * Broker configs as DescribeConfigs reports them, and the dynamic ones AlterConfigs may change.
 *
 * Only the configs that mean something here are listed (a real 3.9 broker lists ~315): identity,
 * topic creation and group settings (read-only, as in KRaft), and the log.* defaults behind topic
 * configs, which are dynamic — per broker (`--entity-name 0`) or cluster-wide (`--entity-default`)
 * — and reach every topic without its own override at once.
 */
import { ConfigSource, invalidValue, type ConfigDef, type ConfigType } from './topic-config.ts';

export interface BrokerConfigDef extends ConfigDef {
  readOnly: boolean;
}

const def = (name: string, type: ConfigType, defaultValue: string | null, readOnly: boolean, extra: Partial<ConfigDef> = {}): BrokerConfigDef => ({
  name,
  type,
  defaultValue,
  readOnly,
  ...extra,
});

export const BROKER_CONFIGS: readonly BrokerConfigDef[] = [
  def('node.id', 'INT', '-1', true),
  def('broker.id', 'INT', '-1', true),
  def('num.partitions', 'INT', '1', true, { min: 1 }),
  def('default.replication.factor', 'INT', '1', true),
  def('auto.create.topics.enable', 'BOOLEAN', 'true', true),
  def('offsets.topic.num.partitions', 'INT', '50', true),
  def('group.initial.rebalance.delay.ms', 'INT', '3000', true),
  def('group.min.session.timeout.ms', 'INT', '6000', true),
  def('group.max.session.timeout.ms', 'INT', '1800000', true),
  def('log.retention.hours', 'INT', '168', true),
  def('log.retention.minutes', 'INT', null, true),
  def('log.retention.ms', 'LONG', null, false, { min: -1 }),
  def('log.retention.bytes', 'LONG', '-1', false),
  def('log.retention.check.interval.ms', 'LONG', '300000', true),
  def('log.roll.hours', 'INT', '168', true),
  def('log.roll.ms', 'LONG', null, false, { min: 1 }),
  def('log.segment.bytes', 'INT', '1073741824', false, { min: 14 }),
  def('log.cleanup.policy', 'LIST', 'delete', false, { oneOf: ['compact', 'delete'] }),
  def('log.cleaner.delete.retention.ms', 'LONG', '86400000', false, { min: 0 }),
  def('log.cleaner.min.compaction.lag.ms', 'LONG', '0', false, { min: 0 }),
  def('log.message.timestamp.type', 'STRING', 'CreateTime', false, { oneOf: ['CreateTime', 'LogAppendTime'] }),
  def('message.max.bytes', 'INT', '1048588', false, { min: 0 }),
  def('min.insync.replicas', 'INT', '1', false, { min: 1 }),
  def('compression.type', 'STRING', 'producer', false, { oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] }),
];

const BY_NAME = new Map(BROKER_CONFIGS.map((d) => [d.name, d]));

export function brokerConfigDef(name: string): BrokerConfigDef | undefined {
  return BY_NAME.get(name);
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: ConfigSource;
  type: ConfigType;
  synonyms: Array<{ name: string; value: string | null; source: ConfigSource }>;
}

/** Kafka's static settings this broker was started with (server.properties, here the start options). */
export interface StaticBrokerSettings {
  numPartitions: number;
  autoCreateTopics: boolean;
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  retentionCheckIntervalMs: number;
}

export class BrokerConfigs {
  private readonly statics = new Map<string, string>();
  /** Entity "" (--entity-default): DYNAMIC_DEFAULT_BROKER_CONFIG. */
  private readonly clusterDefaults = new Map<string, string>();
  /** Entity "<node id>": DYNAMIC_BROKER_CONFIG. */
  private readonly perBroker = new Map<number, Map<string, string>>();
  /** Called after a dynamic change, so topics recompute their effective values. */
  onChange: () => void = () => {};

  constructor(settings: StaticBrokerSettings) {
    // What the embedded broker always sets, as the real launcher's server.properties does.
    this.statics.set('num.partitions', String(settings.numPartitions));
    this.statics.set('default.replication.factor', '1');
    this.statics.set('auto.create.topics.enable', String(settings.autoCreateTopics));
    this.statics.set('group.initial.rebalance.delay.ms', String(settings.initialRebalanceDelayMs));
    if (settings.minSessionTimeoutMs !== 6000) this.statics.set('group.min.session.timeout.ms', String(settings.minSessionTimeoutMs));
    if (settings.maxSessionTimeoutMs !== 1_800_000) this.statics.set('group.max.session.timeout.ms', String(settings.maxSessionTimeoutMs));
    if (settings.retentionCheckIntervalMs !== 300_000) this.statics.set('log.retention.check.interval.ms', String(settings.retentionCheckIntervalMs));
  }

  staticValue(name: string): string | undefined {
    return this.statics.get(name);
  }

  /**
   * The dynamic values of `name` that topics see, most specific first. Topics take the per-broker
   * layer of broker 0 (every partition of a topic shares one config here, where Kafka would use
   * each partition leader's own).
   */
  dynamicLayers(name: string): Array<{ value: string; source: ConfigSource }> {
    const layers: Array<{ value: string; source: ConfigSource }> = [];
    const own = this.perBroker.get(0)?.get(name);
    if (own !== undefined) layers.push({ value: own, source: ConfigSource.DYNAMIC_BROKER });
    const shared = this.clusterDefaults.get(name);
    if (shared !== undefined) layers.push({ value: shared, source: ConfigSource.DYNAMIC_DEFAULT_BROKER });
    return layers;
  }

  /** The dynamic overrides of one entity: a broker, or the cluster default (null). */
  dynamic(nodeId: number | null): ReadonlyMap<string, string> {
    return nodeId === null ? this.clusterDefaults : (this.perBroker.get(nodeId) ?? new Map());
  }

  /** A broker's configs (every one listed), or the cluster default entity's (only what is set). */
  describe(nodeId: number | null): DescribedConfig[] {
    if (nodeId === null) {
      return [...this.clusterDefaults].map(([name, value]) => {
        const d = brokerConfigDef(name);
        const source = ConfigSource.DYNAMIC_DEFAULT_BROKER;
        return { name, value, readOnly: d?.readOnly ?? false, source, type: d?.type ?? 'STRING', synonyms: [{ name, value, source }] };
      });
    }
    return BROKER_CONFIGS.map((d) => {
      const synonyms: DescribedConfig['synonyms'] = [];
      const own = this.perBroker.get(nodeId)?.get(d.name);
      if (own !== undefined) synonyms.push({ name: d.name, value: own, source: ConfigSource.DYNAMIC_BROKER });
      const shared = this.clusterDefaults.get(d.name);
      if (shared !== undefined) synonyms.push({ name: d.name, value: shared, source: ConfigSource.DYNAMIC_DEFAULT_BROKER });
      const configured = d.name === 'node.id' || d.name === 'broker.id' ? String(nodeId) : this.statics.get(d.name);
      if (configured !== undefined) synonyms.push({ name: d.name, value: configured, source: ConfigSource.STATIC_BROKER });
      if (d.defaultValue !== null) synonyms.push({ name: d.name, value: d.defaultValue, source: ConfigSource.DEFAULT });
      const first = synonyms[0];
      return {
        name: d.name,
        value: first?.value ?? null,
        readOnly: d.readOnly,
        source: first?.source ?? ConfigSource.DEFAULT,
        type: d.type,
        synonyms,
      };
    });
  }

  /** Why `name=value` cannot be set dynamically, or undefined if it can. */
  problem(name: string, value: string | null): string | undefined {
    const d = brokerConfigDef(name);
    if (!d || d.readOnly) return `Cannot update these configs dynamically: Set(${name})`;
    return value === null ? undefined : invalidValue(d, value);
  }

  /** Replaces one entity's dynamic configs (already checked with problem()). */
  replace(nodeId: number | null, configs: ReadonlyMap<string, string>): void {
    if (nodeId === null) {
      this.clusterDefaults.clear();
      for (const [name, value] of configs) this.clusterDefaults.set(name, value);
    } else {
      this.perBroker.set(nodeId, new Map(configs));
    }
    this.onChange();
  }
}
