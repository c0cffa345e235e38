/**
 * Kafka's Java command-line tools against the embedded broker and a real Kafka (the second family
 * of the conformance suite: clients beyond kafkajs). Needs Java; the tools' jar is fetched with the
 * broker's (`npx tsx scripts/real-kafka.ts fetch`).
 */
import { configsTool, consoleClientsAndGroups, javaTransactions, topicsTool } from './java-tools/scenarios.ts';
import { conformanceSuite } from './suite.ts';

conformanceSuite('Kafka command-line tools', { autoCreateTopics: false }, [topicsTool, configsTool, consoleClientsAndGroups, javaTransactions]);
