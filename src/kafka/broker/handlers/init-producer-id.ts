import type { Handler } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';

/** Idempotent producers get an id; transactional ones are refused, since transactions are not implemented. */
export const handleInitProducerId: Handler = (body, { cluster }) => {
  const transactionalId = body.nullableString();
  body.int32(); // transaction timeout
  body.end();
  const refused = transactionalId !== null;
  const producerId = refused ? -1 : cluster.allocateProducerId();
  return (w) => {
    w.int32(0);
    w.int16(refused ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : ErrorCode.NONE);
    w.int64(producerId).int16(refused ? -1 : 0);
  };
};
