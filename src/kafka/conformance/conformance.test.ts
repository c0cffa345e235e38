/**
 * kafkajs against the embedded broker and a real Kafka, both with topic auto-creation disabled, so
 * that every topic a scenario uses is created explicitly and "unknown topic" errors are comparable.
 * Auto-creation itself is compared in auto-create.test.ts.
 */
import { assignment } from './scenarios/assignment.ts';
import { configs } from './scenarios/configs.ts';
import { delivery } from './scenarios/delivery.ts';
import { lag } from './scenarios/lag.ts';
import { metadata } from './scenarios/metadata.ts';
import { offsets } from './scenarios/offsets.ts';
import { outOfRange } from './scenarios/out-of-range.ts';
import { partitioner } from './scenarios/partitioner.ts';
import { resume } from './scenarios/resume.ts';
import { staticMembership } from './scenarios/static-membership.ts';
import { topicErrors } from './scenarios/topic-errors.ts';
import { unknownTopicScenario } from './scenarios/unknown-topic.ts';
import { conformanceSuite } from './suite.ts';

conformanceSuite('kafkajs conformance, topic auto-creation off', { autoCreateTopics: false }, [
  metadata,
  delivery,
  partitioner,
  offsets,
  lag,
  assignment,
  resume,
  unknownTopicScenario,
  outOfRange,
  topicErrors,
  configs,
  staticMembership,
]);
