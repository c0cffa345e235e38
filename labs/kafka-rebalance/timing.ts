/** Kafka's smallest allowed session timeout (group.min.session.timeout.ms, 6 s by default). */
export const SESSION_TIMEOUT_MS = 6_000;
/**
 * kafkajs heartbeats between fetches, and learns of a rebalance from a heartbeat's answer: a short
 * fetch wait (default 5 s) lets members notice within half a second.
 */
export const MEMBER_TIMING = { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 };
