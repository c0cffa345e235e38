import type { BrokerNode, Cluster } from './cluster.ts';
import type { Reader } from './protocol/reader.ts';
import type { Writer } from './protocol/writer.ts';

/** What a request handler knows besides the request body. */
export interface RequestContext {
  cluster: Cluster;
  /** The broker that received the request. */
  broker: BrokerNode;
  apiVersion: number;
  clientId: string;
  /** As Kafka shows it in DescribeGroups, e.g. "/127.0.0.1". */
  clientHost: string;
  /** Aborted when the client hangs up (FIN or reset), so long waits give up. */
  hungUp: AbortSignal;
}

/** Writes the response body after the header; null sends no response at all (Produce with acks=0). */
export type ResponseBody = ((writer: Writer) => void) | null;

/** Decodes the whole body first (a Reader error closes the connection), then acts and answers. */
export type Handler = (body: Reader, context: RequestContext) => ResponseBody | Promise<ResponseBody>;

/**
 * Waits for `promise` unless the client hangs up first (undefined then). A JoinGroup may wait out a
 * rebalance timeout of days; nobody is left to answer once the client is gone.
 */
export function unlessHungUp<T>(promise: T | Promise<T>, hungUp: AbortSignal): Promise<T | undefined> {
  if (hungUp.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    hungUp.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        hungUp.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        hungUp.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
