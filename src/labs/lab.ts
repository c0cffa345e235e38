/**
 * What a lab is: a program that makes a broker behaviour happen and prints what it saw, returning
 * the same facts as data so that its test can assert they really happened.
 */
import { WorkbookError } from '../harness/errors.ts';

export interface LabContext {
  /** Prints one line of the lab's story. */
  log(line?: string): void;
  /** The Redis server to use (embedded, or REDIS_URL). */
  redisUrl(): string;
  /** The Kafka brokers to use (embedded, or KAFKA_BROKERS), as 'host:port'. */
  kafkaBrokers(): string[];
  /** The SNS/SQS/S3 emulator's endpoint (embedded moto, or AWS_ENDPOINT_URL). */
  snsEndpoint(): string;
}

export interface Lab<Findings, Options = Record<string, never>> {
  run(context: LabContext, options?: Partial<Options>): Promise<Findings>;
}

export function defineLab<Findings, Options = Record<string, never>>(
  run: (context: LabContext, options: Partial<Options>) => Promise<Findings>,
): Lab<Findings, Options> {
  return { run: (context, options = {}) => run(context, options) };
}

export interface Brokers {
  redisUrl?: string;
  kafkaBrokers?: string[];
  snsEndpoint?: string;
}

export function labContext(brokers: Brokers, log: (line: string) => void): LabContext {
  return {
    log: (line = '') => log(line),
    redisUrl: () => {
      if (!brokers.redisUrl) throw new WorkbookError('This lab asked for Redis but its README does not say `broker: redis`.');
      return brokers.redisUrl;
    },
    kafkaBrokers: () => {
      if (!brokers.kafkaBrokers) throw new WorkbookError('This lab asked for Kafka but its README does not say `broker: kafka`.');
      return brokers.kafkaBrokers;
    },
    snsEndpoint: () => {
      if (!brokers.snsEndpoint) throw new WorkbookError('This lab asked for SNS but its README does not say `broker: sns`.');
      return brokers.snsEndpoint;
    },
  };
}

/** Percentile of an ascending-sorted list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
