import { SUPPORTED_VERSIONS } from '../api-versions.ts';
import type { Handler, ResponseBody } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Writer } from '../protocol/writer.ts';

export const handleApiVersions: Handler = (body, { apiVersion }) => {
  body.end();
  return (w) => encode(w, apiVersion, ErrorCode.NONE);
};

/**
 * A client asking with a newer ApiVersions than ours gets a v0 answer saying UNSUPPORTED_VERSION,
 * with our ranges, so it can retry at a version we speak (KIP-511). The body is not read: newer
 * versions are flexible and we do not parse those.
 */
export function unsupportedApiVersions(): ResponseBody {
  return (w) => encode(w, 0, ErrorCode.UNSUPPORTED_VERSION);
}

function encode(w: Writer, version: number, errorCode: ErrorCode): void {
  w.int16(errorCode);
  w.array(SUPPORTED_VERSIONS, (w, range) => w.int16(range.key).int16(range.min).int16(range.max));
  if (version >= 1) w.int32(0);
}
