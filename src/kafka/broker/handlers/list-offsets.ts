import type { Handler, RequestContext } from '../context.ts';
import { LEADER_EPOCH } from '../log.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { ledHere } from './routing.ts';

const LATEST = -1;
const EARLIEST = -2;

interface PartitionAnswer {
  partition: number;
  errorCode: ErrorCode;
  timestamp: number;
  offset: number;
}

export const handleListOffsets: Handler = (body, context) => {
  const version = context.apiVersion;
  body.int32(); // replica id
  // read_committed sees up to the last stable offset, read_uncommitted up to the high watermark.
  const readCommitted = version >= 2 && body.int8() === 1;
  const topics = body.array(6, (r) => ({
    name: r.string(),
    partitions: r.array(version === 0 ? 16 : 12, (r) => {
      const partition = r.int32();
      if (version >= 4) r.int32(); // current leader epoch: there are no elections, every partition stays at LEADER_EPOCH
      const timestamp = r.int64();
      const maxNumOffsets = version === 0 ? r.int32() : 1;
      return { partition, timestamp, maxNumOffsets };
    }),
  }));
  body.end();
  const answers = topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map((p) => ({ ...lookUp(context, name, p.partition, p.timestamp, readCommitted), maxNumOffsets: p.maxNumOffsets })),
  }));
  return (w) => {
    if (version >= 2) w.int32(0);
    w.array(answers, (w, topic) => {
      w.string(topic.name).array(topic.partitions, (w, p) => {
        w.int32(p.partition).int16(p.errorCode);
        if (version === 0) {
          // v0 answers with a list of offsets ("old style"); one is all there is to give.
          w.array(p.errorCode === ErrorCode.NONE && p.offset >= 0 && p.maxNumOffsets > 0 ? [p.offset] : [], (w, offset) => w.int64(offset));
        } else {
          w.int64(p.timestamp).int64(p.offset);
          if (version >= 4) w.int32(p.errorCode === ErrorCode.NONE && p.offset >= 0 ? LEADER_EPOCH : -1);
        }
      });
    });
  };
};

function lookUp(context: RequestContext, topic: string, partition: number, timestamp: number, readCommitted: boolean): PartitionAnswer {
  const log = ledHere(context, topic, partition);
  if (typeof log === 'number') return { partition, errorCode: log, timestamp: -1, offset: -1 };
  const lastVisible = readCommitted ? log.lastStableOffset : log.highWatermark;
  if (timestamp === LATEST) return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: lastVisible };
  if (timestamp === EARLIEST) return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.logStartOffset };
  const found = log.offsetForTimestamp(timestamp);
  // As Kafka: a match the isolation level may not see yet is no match.
  if (!found || found.offset >= lastVisible) return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: -1 };
  return { partition, errorCode: ErrorCode.NONE, timestamp: found.timestamp, offset: found.offset };
}
