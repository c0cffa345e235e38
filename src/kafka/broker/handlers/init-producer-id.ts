import type { Handler } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';

/**
 * Idempotent producers get an id. Transactional ones are refused with UNSUPPORTED_VERSION, what a
 * client hears for a feature the broker does not have (never an authorization error, which would
 * send the learner looking for ACLs that do not exist).
 */
export const handleInitProducerId: Handler = (body, { cluster }) => {
  const transactionalId = body.nullableString();
  body.int32(); // transaction timeout
  body.end();
  const refused = transactionalId !== null;
  const producerId = refused ? -1 : cluster.allocateProducerId();
  return (w) => {
    w.int32(0);
    w.int16(refused ? ErrorCode.UNSUPPORTED_VERSION : ErrorCode.NONE);
    w.int64(producerId).int16(refused ? -1 : 0);
  };
};
