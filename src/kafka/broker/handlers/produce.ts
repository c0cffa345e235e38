import type { Handler, RequestContext } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { parseProducedBatch } from '../record-batch.ts';
import { ledHere } from './routing.ts';

interface PartitionAnswer {
  index: number;
  errorCode: ErrorCode;
  baseOffset: number;
  logStartOffset: number;
}

export const handleProduce: Handler = (body, context) => {
  const version = context.apiVersion;
  const transactionalId = body.nullableString();
  const acks = body.int16();
  body.int32(); // timeout: appends complete at once, there are no followers to wait for
  const topics = body.array(6, (r) => ({
    name: r.string(),
    partitions: r.array(8, (r) => ({ index: r.int32(), records: r.nullableBytes() })),
  }));
  body.end();
  const now = Date.now();
  const answers = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p) => append(context, transactionalId, topic.name, p.index, p.records, acks, now)),
  }));
  if (acks === 0) return null;
  return (w) => {
    w.array(answers, (w, topic) => {
      w.string(topic.name).array(topic.partitions, (w, p) => {
        w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(-1); // log append time: CreateTime topics only
        if (version >= 5) w.int64(p.logStartOffset);
        if (version >= 8) w.array([], () => {}).nullableString(null); // per-record errors, error message
      });
    });
    w.int32(0);
  };
};

function append(
  context: RequestContext,
  transactionalId: string | null,
  topic: string,
  index: number,
  records: Buffer | null,
  acks: number,
  now: number,
): PartitionAnswer {
  const fail = (errorCode: ErrorCode): PartitionAnswer => ({ index, errorCode, baseOffset: -1, logStartOffset: -1 });
  if (acks !== -1 && acks !== 0 && acks !== 1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
  const log = ledHere(context, topic, index);
  if (typeof log === 'number') return fail(log);
  const parsed = parseProducedBatch(records, { allowZstd: context.apiVersion >= 7, maxBatchBytes: log.config.maxMessageBytes });
  if (!parsed.ok) return fail(parsed.errorCode);
  const { batch } = parsed;
  if (batch.transactional && transactionalId !== null) {
    // The partition must be in the producer's open transaction (AddPartitionsToTxn), under its current epoch.
    const verified = context.cluster.transactions.verifyProduce(transactionalId, batch.producerId, batch.producerEpoch, topic, index);
    if (verified !== ErrorCode.NONE) return fail(verified);
  }
  const result = log.append(batch, now);
  if (result.errorCode !== ErrorCode.NONE) return fail(result.errorCode);
  return { index, errorCode: ErrorCode.NONE, baseOffset: result.baseOffset, logStartOffset: log.logStartOffset };
}
