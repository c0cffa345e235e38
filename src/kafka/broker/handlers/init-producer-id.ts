import type { Handler } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { coordinatesTransaction } from './routing.ts';

/**
 * Idempotent producers (no transactional id) get a fresh producer id from any broker; transactional
 * ones go to their transaction coordinator, which bumps the id's epoch and so fences older instances.
 */
export const handleInitProducerId: Handler = (body, context) => {
  const transactionalId = body.nullableString();
  const transactionTimeoutMs = body.int32();
  body.end();
  const { cluster } = context;
  const answer =
    transactionalId === null
      ? { errorCode: ErrorCode.NONE, producerId: cluster.allocateProducerId(), producerEpoch: 0 }
      : coordinatesTransaction(context, transactionalId)
        ? cluster.transactions.initProducerId(transactionalId, transactionTimeoutMs)
        : { errorCode: ErrorCode.NOT_COORDINATOR, producerId: -1, producerEpoch: -1 };
  return (w) => w.int32(0).int16(answer.errorCode).int64(answer.producerId).int16(answer.producerEpoch);
};
