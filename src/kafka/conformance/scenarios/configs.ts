/**
 * Topic configs through kafkajs's admin client: every config with its value, source and flags, as
 * DescribeConfigs reports them, then AlterConfigs (which replaces all of a topic's overrides) and the
 * error for an invalid value.
 */
import type { Admin } from 'kafkajs';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

/** kafkajs's ConfigResourceTypes.TOPIC (a CommonJS export Node's ESM loader cannot name). */
const TOPIC = 2;

interface Observation {
  /** "name=value source readOnly/sensitive [synonym sources]" per config, sorted by name. */
  created: string[];
  /** Overrides (source 1) after AlterConfigs. */
  altered: string[];
  invalidValue: string;
}

async function describe(admin: Admin, topic: string): Promise<string[]> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: TOPIC, name: topic }] });
  return (resources[0]?.configEntries ?? [])
    .map((e) => {
      const synonyms = e.configSynonyms.map((s) => `${s.configName}:${s.configSource}`).join(',');
      return `${e.configName}=${e.configValue} source=${e.configSource}${e.readOnly ? ' read-only' : ''}${e.isSensitive ? ' sensitive' : ''} [${synonyms}]`;
    })
    .sort();
}

export const configs: Scenario<Observation> = {
  name: 'topic configs: describe with defaults and synonyms, alter, invalid values',
  expected: {
    created: [
      'cleanup.policy=delete source=5 [log.cleanup.policy:5]',
      'compression.gzip.level=-1 source=5 [compression.gzip.level:5]',
      'compression.lz4.level=9 source=5 [compression.lz4.level:5]',
      'compression.type=producer source=5 [compression.type:5]',
      'compression.zstd.level=3 source=5 [compression.zstd.level:5]',
      'delete.retention.ms=86400000 source=5 [log.cleaner.delete.retention.ms:5]',
      'file.delete.delay.ms=60000 source=5 [log.segment.delete.delay.ms:5]',
      'flush.messages=9223372036854775807 source=5 [log.flush.interval.messages:5]',
      'flush.ms=9223372036854775807 source=5 []',
      'follower.replication.throttled.replicas= source=5 []',
      'index.interval.bytes=4096 source=5 [log.index.interval.bytes:5]',
      'leader.replication.throttled.replicas= source=5 []',
      'local.retention.bytes=-2 source=5 [log.local.retention.bytes:5]',
      'local.retention.ms=-2 source=5 [log.local.retention.ms:5]',
      'max.compaction.lag.ms=9223372036854775807 source=5 [log.cleaner.max.compaction.lag.ms:5]',
      'max.message.bytes=1048588 source=5 [message.max.bytes:5]',
      'message.downconversion.enable=true source=5 [log.message.downconversion.enable:5]',
      'message.format.version=3.0-IV1 source=5 [log.message.format.version:5]',
      'message.timestamp.after.max.ms=9223372036854775807 source=5 [log.message.timestamp.after.max.ms:5]',
      'message.timestamp.before.max.ms=9223372036854775807 source=5 [log.message.timestamp.before.max.ms:5]',
      'message.timestamp.difference.max.ms=9223372036854775807 source=5 [log.message.timestamp.difference.max.ms:5]',
      'message.timestamp.type=CreateTime source=5 [log.message.timestamp.type:5]',
      'min.cleanable.dirty.ratio=0.5 source=5 [log.cleaner.min.cleanable.ratio:5]',
      'min.compaction.lag.ms=0 source=5 [log.cleaner.min.compaction.lag.ms:5]',
      'min.insync.replicas=1 source=5 [min.insync.replicas:5]',
      'preallocate=false source=5 [log.preallocate:5]',
      'remote.log.copy.disable=false source=5 []',
      'remote.log.delete.on.disable=false source=5 []',
      'remote.storage.enable=false source=5 []',
      'retention.bytes=-1 source=5 [log.retention.bytes:5]',
      'retention.ms=60000 source=1 [retention.ms:1]',
      'segment.bytes=1073741824 source=5 [log.segment.bytes:5]',
      'segment.index.bytes=10485760 source=5 [log.index.size.max.bytes:5]',
      'segment.jitter.ms=0 source=5 []',
      'segment.ms=604800000 source=5 []',
      'unclean.leader.election.enable=false source=5 [unclean.leader.election.enable:5]',
    ],
    altered: [
      'cleanup.policy=compact source=1 [cleanup.policy:1,log.cleanup.policy:5]',
      'segment.bytes=1048576 source=1 [segment.bytes:1,log.segment.bytes:5]',
    ],
    invalidValue: 'INVALID_CONFIG: Configuration is invalid',
  },
  run: (target) =>
    withSession(target, async (session) => {
      const admin = await session.admin();
      const topic = session.name('configs');
      await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }], waitForLeaders: true });
      const created = await describe(admin, topic);
      const entries = [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.bytes', value: '1048576' },
      ];
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: topic, configEntries: entries }] });
      const altered = (await describe(admin, topic)).filter((line) => line.includes('source=1'));
      let invalidValue = 'accepted';
      try {
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'soon' }] }] });
      } catch (error) {
        const e = error as { type?: string; message?: string };
        invalidValue = `${e.type ?? 'no type'}: ${e.message ?? ''}`;
      }
      return session.normalize({ created, altered, invalidValue });
    }),
};
