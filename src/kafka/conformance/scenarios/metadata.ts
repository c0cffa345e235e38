/**
 * What the admin client learns about the cluster and a topic. Node ids and ports are configuration
 * (the real broker is node.id=1 on a random port), so they are reported relative to the cluster:
 * "the broker describeCluster listed", not its number.
 */
import type { Target } from '../brokers.ts';
import { createTopic } from '../flows.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  cluster: { brokers: number; brokerHost: string; brokerPortMatchesBootstrap: boolean; controllerIsTheBroker: boolean; clusterIdLooksLikeKafkaUuid: boolean };
  topic: Array<{ partitionId: number; partitionErrorCode: number; leaderIsTheBroker: boolean; replicas: number; isr: number; offlineReplicas: number }>;
  listedTopicsInclude: { created: boolean };
}

export const metadata: Scenario<Observation> = {
  name: 'cluster and topic metadata as the admin client sees it',
  expected: {
    cluster: { brokers: 1, brokerHost: '127.0.0.1', brokerPortMatchesBootstrap: true, controllerIsTheBroker: true, clusterIdLooksLikeKafkaUuid: true },
    topic: [0, 1, 2].map((partitionId) => ({ partitionId, partitionErrorCode: 0, leaderIsTheBroker: true, replicas: 1, isr: 1, offlineReplicas: 0 })),
    listedTopicsInclude: { created: true },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const admin = await session.admin();
      const topic = session.name('metadata');
      await createTopic(admin, topic, 3);
      const cluster = await admin.describeCluster();
      const [broker] = cluster.brokers;
      if (!broker) throw new Error('describeCluster listed no broker');
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = [...(topics[0]?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
      return {
        cluster: {
          brokers: cluster.brokers.length,
          brokerHost: broker.host,
          brokerPortMatchesBootstrap: target.bootstrap.endsWith(`:${broker.port}`),
          // KRaft: describeCluster reports a broker as controller (the real one is both roles).
          controllerIsTheBroker: cluster.controller === broker.nodeId,
          clusterIdLooksLikeKafkaUuid: /^[A-Za-z0-9_-]{22}$/.test(cluster.clusterId),
        },
        topic: partitions.map((p) => ({
          partitionId: p.partitionId,
          partitionErrorCode: p.partitionErrorCode,
          leaderIsTheBroker: p.leader === broker.nodeId,
          replicas: p.replicas.length,
          isr: p.isr.length,
          offlineReplicas: p.offlineReplicas?.length ?? 0,
        })),
        listedTopicsInclude: { created: (await admin.listTopics()).includes(topic) },
      };
    }),
};
