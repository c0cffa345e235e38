import type { Handler } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';

const GROUP = 0;
const TRANSACTION = 1;

export const handleFindCoordinator: Handler = (body, { apiVersion: version, cluster }) => {
  const key = body.string();
  const keyType = version >= 1 ? body.int8() : GROUP;
  body.end();
  // Transaction ids get an answer too, so transactional producers fail fast at InitProducerId instead of retrying here.
  const node = keyType === GROUP || keyType === TRANSACTION ? cluster.nodes[cluster.coordinatorFor(key)] : undefined;
  return (w) => {
    if (version >= 1) w.int32(0);
    if (node) {
      w.int16(ErrorCode.NONE);
      if (version >= 1) w.nullableString(null);
      w.int32(node.nodeId).string(node.host).int32(node.port);
    } else {
      w.int16(ErrorCode.INVALID_REQUEST);
      if (version >= 1) w.nullableString(`Unknown coordinator key type ${keyType}`);
      w.int32(-1).string('').int32(-1);
    }
  };
};
