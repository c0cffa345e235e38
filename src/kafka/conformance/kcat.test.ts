/**
 * kcat (librdkafka, Debian's package) against the embedded broker and a real Kafka: the conformance
 * suite's clients beyond kafkajs, in C. Its own project (kafka-kcat), named as not run where kcat is
 * missing (scripts/optional-checks.ts) and mandatory under CI.
 */
import { kcatGroup, kcatMetadataAndRecords, kcatTransactions } from './kcat/scenarios.ts';
import { conformanceSuite } from './suite.ts';

conformanceSuite('kcat (librdkafka)', { autoCreateTopics: false }, [kcatMetadataAndRecords, kcatGroup, kcatTransactions]);
