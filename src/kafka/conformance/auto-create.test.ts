/** Topic auto-creation compared on an embedded broker and a real Kafka that both allow it. */
import { autoCreate } from './scenarios/auto-create.ts';
import { conformanceSuite } from './suite.ts';

conformanceSuite('kafkajs conformance, topic auto-creation on', { autoCreateTopics: true }, [autoCreate]);
