/**
 * Fetch, with Kafka's long poll: when fewer than minBytes are ready the request is parked until an
 * append to one of its partitions wakes it (or maxWaitMs passes, or the connection closes). Nothing
 * polls: a parked fetch is a set of log subscriptions and one timer. A client that hangs up gets its
 * answer at once (if it can still read it).
 */
import type { Handler, RequestContext } from '../context.ts';
import type { AbortedTransaction } from '../log.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Reader } from '../protocol/reader.ts';
import type { Writer } from '../protocol/writer.ts';
import { ledHere } from './routing.ts';

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  readCommitted: boolean;
  sessionId: number;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: number; maxBytes: number }> }>;
}

interface PartitionResult {
  partition: number;
  errorCode: ErrorCode;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** read_committed only: the aborted transactions among the records returned. */
  aborted: AbortedTransaction[];
  chunks: Buffer[];
  bytes: number;
}

interface ReadResult {
  topics: Array<{ topic: string; partitions: PartitionResult[] }>;
  bytes: number;
  /** Kafka answers at once when any partition has an error. */
  failed: boolean;
}

export const handleFetch: Handler = async (body, context) => {
  const version = context.apiVersion;
  const request = decode(body, version);
  if (version >= 7 && request.sessionId !== 0) {
    // Fetch sessions (KIP-227) are not kept; clients that ask for one got session id 0, meaning "none".
    return (w) => w.int32(0).int16(ErrorCode.FETCH_SESSION_ID_NOT_FOUND).int32(0).int32(0);
  }
  const deadline = Date.now() + request.maxWaitMs;
  let result = read(request, context);
  while (!result.failed && result.bytes < request.minBytes && !context.hungUp.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await nextAppend(request, context, remaining);
    result = read(request, context);
  }
  return (w) => encode(w, version, request, result);
};

function decode(body: Reader, version: number): FetchRequest {
  body.int32(); // replica id: followers do not exist here
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  const readCommitted = body.int8() === 1;
  const sessionId = version >= 7 ? body.int32() : 0;
  if (version >= 7) body.int32(); // session epoch
  const topics = body.array(6, (r) => ({
    topic: r.string(),
    partitions: r.array(16, (r) => {
      const partition = r.int32();
      if (version >= 9) r.int32(); // current leader epoch: always 0 here, nothing to fence
      const fetchOffset = r.int64();
      if (version >= 5) r.int64(); // follower's log start offset
      return { partition, fetchOffset, maxBytes: r.int32() };
    }),
  }));
  if (version >= 7) body.array(6, (r) => ({ topic: r.string(), partitions: r.int32Array() }));
  if (version >= 11) body.string(); // rack id
  body.end();
  return { maxWaitMs, minBytes, maxBytes, readCommitted, sessionId, topics };
}

function read(request: FetchRequest, context: RequestContext): ReadResult {
  let remaining = Math.max(0, request.maxBytes);
  let bytes = 0;
  let failed = false;
  const topics = request.topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map(({ partition, fetchOffset, maxBytes }): PartitionResult => {
      const fail = (errorCode: ErrorCode, highWatermark = -1, logStartOffset = -1): PartitionResult => {
        failed = true;
        return { partition, errorCode, highWatermark, lastStableOffset: highWatermark, logStartOffset, aborted: [], chunks: [], bytes: 0 };
      };
      const log = ledHere(context, topic, partition);
      if (typeof log === 'number') return fail(log);
      if (fetchOffset < log.logStartOffset || fetchOffset > log.highWatermark) {
        return fail(ErrorCode.OFFSET_OUT_OF_RANGE, log.highWatermark, log.logStartOffset);
      }
      // read_committed stops at the last stable offset: an open transaction's records are not decided yet.
      const lastStableOffset = log.lastStableOffset;
      const endOffset = request.readCommitted ? lastStableOffset : log.highWatermark;
      // Only the first batch of the whole response may exceed the limits (KIP-74).
      const data = log.read(fetchOffset, Math.min(Math.max(0, maxBytes), remaining), bytes === 0, endOffset);
      bytes += data.bytes;
      remaining = Math.max(0, remaining - data.bytes);
      const aborted = request.readCommitted && data.bytes > 0 ? log.abortedTransactions(fetchOffset, data.nextOffset) : [];
      const { highWatermark, logStartOffset } = log;
      return { partition, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset, logStartOffset, aborted, chunks: data.chunks, bytes: data.bytes };
    }),
  }));
  return { topics, bytes, failed };
}

/** Resolves on the first append to (or deletion of) a requested partition, the timeout, or the client hanging up. */
function nextAppend(request: FetchRequest, { cluster, hungUp }: RequestContext, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: Array<() => void> = [];
    const done = (): void => {
      clearTimeout(timer);
      hungUp.removeEventListener('abort', done);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    hungUp.addEventListener('abort', done);
    for (const { topic, partitions } of request.topics) {
      for (const { partition } of partitions) {
        const log = cluster.partition(topic, partition);
        if (log) unsubscribes.push(log.subscribe(done));
      }
    }
  });
}

function encode(w: Writer, version: number, request: FetchRequest, result: ReadResult): void {
  w.int32(0); // throttle time
  if (version >= 7) w.int16(ErrorCode.NONE).int32(0);
  w.array(result.topics, (w, { topic, partitions }) => {
    w.string(topic).array(partitions, (w, p) => {
      w.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
      if (version >= 5) w.int64(p.logStartOffset);
      // Kafka sends null to read_uncommitted fetches, and a list (often empty) to read_committed ones.
      if (request.readCommitted) w.array(p.aborted, (w, t) => w.int64(t.producerId).int64(t.firstOffset));
      else w.int32(-1);
      if (version >= 11) w.int32(-1); // preferred read replica: none
      w.int32(p.bytes);
      for (const chunk of p.chunks) w.raw(chunk);
    });
  });
}
