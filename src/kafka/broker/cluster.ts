/**
 * The state all brokers of one embedded cluster share: nodes, topics with their partition logs,
 * groups. Brokers live in one process, so "replication" is just sharing these objects; what each
 * broker may answer for (partition leadership, group coordination) is still enforced per broker.
 */
import { randomBytes } from 'node:crypto';
import { BrokerConfigs } from './broker-config.ts';
import { GroupCoordinator, type CoordinatorSettings } from './group-coordinator.ts';
import { PartitionLog } from './log.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { checkTopicConfigs, parseTopicConfig, type TopicConfig } from './topic-config.ts';
import { TransactionCoordinator } from './transaction-coordinator.ts';

export interface BrokerNode {
  nodeId: number;
  host: string;
  /** Known once the broker listens. */
  port: number;
}

export interface ClusterSettings extends CoordinatorSettings {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  /** log.retention.check.interval.ms: how often retention deletes expired segments. */
  retentionCheckIntervalMs: number;
}

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  config: TopicConfig;
}

export interface TopicSpec {
  name: string;
  /** -1: the broker default. */
  numPartitions: number;
  /** -1: the broker default (1). */
  replicationFactor: number;
  assignments: ReadonlyArray<{ partition: number; brokerIds: number[] }>;
  configs: ReadonlyArray<{ name: string; value: string | null }>;
}

export interface TopicOutcome {
  errorCode: ErrorCode;
  message: string | null;
}

/** Kafka's offsets.topic.num.partitions: groups hash onto these, each led by some broker. */
const COORDINATOR_PARTITIONS = 50;
/** Not a Kafka limit: a bound so one CreateTopics cannot make the process allocate without end. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;
const DEFAULT_REPLICATION_FACTOR = 1;

export class Cluster {
  /** Like a real cluster id: 16 random bytes, base64url (22 characters). */
  readonly clusterId = randomBytes(16).toString('base64url');
  readonly controllerId = 0;
  readonly topics = new Map<string, Topic>();
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly brokerConfigs: BrokerConfigs;
  private nextProducerId = 0;
  private readonly retentionTimer: NodeJS.Timeout;

  constructor(
    readonly nodes: readonly BrokerNode[],
    readonly settings: ClusterSettings,
  ) {
    this.groups = new GroupCoordinator(settings);
    this.transactions = new TransactionCoordinator({
      partition: (topic, partition) => this.partition(topic, partition),
      allocateProducerId: () => this.allocateProducerId(),
      groups: this.groups,
    });
    this.brokerConfigs = new BrokerConfigs({ ...settings, numPartitions: settings.defaultPartitions });
    this.brokerConfigs.onChange = () => {
      for (const topic of this.topics.values()) this.configChanged(topic);
    };
    this.retentionTimer = setInterval(() => this.checkRetention(), settings.retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  /** Kafka's periodic retention check, over every partition. */
  checkRetention(now = Date.now()): void {
    for (const topic of this.topics.values()) for (const log of topic.partitions) log.applyRetention(now);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** The broker that answers for a group (or transactional id): Kafka's hash onto __consumer_offsets. */
  coordinatorFor(key: string): number {
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (Math.imul(31, hash) + key.charCodeAt(i)) | 0;
    return ((hash & 0x7fffffff) % COORDINATOR_PARTITIONS) % this.nodes.length;
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  createTopic(spec: TopicSpec, validateOnly = false): TopicOutcome {
    const fail = (errorCode: ErrorCode, message: string): TopicOutcome => ({ errorCode, message });
    const invalidName = topicNameProblem(spec.name);
    if (invalidName) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, invalidName);
    if (this.topics.has(spec.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
    const replicas = this.planReplicas(spec);
    if ('errorCode' in replicas) return replicas;
    const config = parseTopicConfig(spec.configs, this.brokerConfigs);
    if (!config.ok) return fail(ErrorCode.INVALID_CONFIG, config.message);
    if (!validateOnly) {
      this.topics.set(spec.name, {
        name: spec.name,
        config: config.config,
        partitions: replicas.map((brokerIds, index) => new PartitionLog(spec.name, index, brokerIds[0]!, brokerIds, config.config)),
      });
    }
    return { errorCode: ErrorCode.NONE, message: null };
  }

  /** What Metadata does for an unknown topic when auto-creation is on: num.partitions, replication 1. */
  autoCreateTopic(name: string): TopicOutcome {
    return this.createTopic({ name, numPartitions: this.settings.defaultPartitions, replicationFactor: -1, assignments: [], configs: [] });
  }

  /** CreatePartitions: grow a topic to `count` partitions; new leaders follow the same placement rule. */
  addPartitions(name: string, count: number, assignments: number[][] | null, validateOnly = false): TopicOutcome {
    const fail = (errorCode: ErrorCode, message: string): TopicOutcome => ({ errorCode, message });
    const topic = this.topics.get(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    if (count < current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    if (count > MAX_PARTITIONS_PER_TOPIC) return fail(ErrorCode.INVALID_PARTITIONS, `At most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic.`);
    const replicationFactor = topic.partitions[0]!.replicas.length;
    const brokers = this.nodes.length;
    let plan: number[][];
    if (assignments) {
      if (assignments.length !== count - current) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`);
      }
      const invalid = assignments.find((ids) => ids.length !== replicationFactor || new Set(ids).size !== ids.length || ids.some((id) => id < 0 || id >= brokers));
      if (invalid) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment ${JSON.stringify(invalid)}.`);
      plan = assignments;
    } else {
      plan = Array.from({ length: count - current }, (_, i) => Array.from({ length: replicationFactor }, (_, r) => (current + i + r) % brokers));
    }
    if (!validateOnly) {
      plan.forEach((brokerIds, i) => topic.partitions.push(new PartitionLog(name, current + i, brokerIds[0]!, brokerIds, topic.config)));
    }
    return { errorCode: ErrorCode.NONE, message: null };
  }

  /**
   * AlterConfigs/IncrementalAlterConfigs on a topic: `overrides` replaces the topic's own settings and
   * takes effect at once (retention and segment settings are applied to the logs right away).
   */
  setTopicConfig(name: string, overrides: ReadonlyMap<string, string>, validateOnly = false): TopicOutcome {
    const topic = this.topics.get(name);
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `The topic '${name}' does not exist.` };
    const checked = checkTopicConfigs([...overrides].map(([name, value]) => ({ name, value })));
    if (!checked.ok) return { errorCode: ErrorCode.INVALID_CONFIG, message: checked.message };
    if (!validateOnly) {
      topic.config.overrides.clear();
      for (const [key, value] of overrides) topic.config.overrides.set(key, value);
      this.configChanged(topic);
    }
    return { errorCode: ErrorCode.NONE, message: null };
  }

  private configChanged(topic: Topic): void {
    topic.config.refresh();
    for (const log of topic.partitions) log.configChanged();
  }

  deleteTopic(name: string): ErrorCode {
    const topic = this.topics.get(name);
    if (!topic) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.topics.delete(name);
    for (const log of topic.partitions) log.close();
    this.groups.forgetTopic(name);
    return ErrorCode.NONE;
  }

  close(): void {
    this.transactions.close();
    clearInterval(this.retentionTimer);
    this.groups.close();
    for (const topic of this.topics.values()) for (const log of topic.partitions) log.close();
  }

  /** Replica lists per partition, leader first: explicit assignments, or leader = partition % brokers. */
  private planReplicas(spec: TopicSpec): number[][] | TopicOutcome {
    const fail = (errorCode: ErrorCode, message: string): TopicOutcome => ({ errorCode, message });
    const brokers = this.nodes.length;
    if (spec.assignments.length > 0) {
      if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
        return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      if (spec.assignments.length > MAX_PARTITIONS_PER_TOPIC) return fail(ErrorCode.INVALID_PARTITIONS, `At most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic.`);
      const byPartition = new Map(spec.assignments.map((a) => [a.partition, a.brokerIds]));
      const plan: number[][] = [];
      for (let p = 0; p < spec.assignments.length; p++) {
        const brokerIds = byPartition.get(p);
        if (!brokerIds) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be consecutive and start from 0.');
        if (brokerIds.length === 0 || new Set(brokerIds).size !== brokerIds.length || brokerIds.some((id) => id < 0 || id >= brokers)) {
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment for partition ${p}: ${JSON.stringify(brokerIds)}.`);
        }
        plan.push(brokerIds);
      }
      return plan;
    }
    const partitions = spec.numPartitions === -1 ? this.settings.defaultPartitions : spec.numPartitions;
    const replicationFactor = spec.replicationFactor === -1 ? DEFAULT_REPLICATION_FACTOR : spec.replicationFactor;
    if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (partitions > MAX_PARTITIONS_PER_TOPIC) return fail(ErrorCode.INVALID_PARTITIONS, `At most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic.`);
    if (replicationFactor < 1) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (replicationFactor > brokers) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: ${brokers}.`);
    }
    return Array.from({ length: partitions }, (_, p) => Array.from({ length: replicationFactor }, (_, r) => (p + r) % brokers));
  }
}

/** Kafka's rules: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..". */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > 249) return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return undefined;
}
