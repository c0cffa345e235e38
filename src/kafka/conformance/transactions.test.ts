/**
 * Transactions through kafkajs against the embedded broker and a real Kafka (a file of its own, so
 * its brokers' transaction state is not shared with the other scenarios).
 */
import { consumeTransformProduce, fencing, isolationLevels, transactionCommit } from './scenarios/transactions.ts';
import { conformanceSuite } from './suite.ts';

conformanceSuite('kafkajs transactions conformance', { autoCreateTopics: false }, [transactionCommit, isolationLevels, fencing, consumeTransformProduce]);
