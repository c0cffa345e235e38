/** A real Apache Kafka broker for comparisons and benchmarks (see launcher.ts). */
export { startRealKafka } from './launcher.ts';
export type { RealKafka, StartRealKafkaOptions } from './launcher.ts';
export { KAFKA_VERSION, cachedLibDir, fetchKafkaJars, kafkaHome, kafkaToolsClasspath } from './jars.ts';
export type { FetchOptions } from './jars.ts';
