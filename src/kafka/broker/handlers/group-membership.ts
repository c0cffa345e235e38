/** JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the wire side of group.ts. */
import { unlessHungUp, type Handler } from '../context.ts';
import type { JoinRequest, JoinResult } from '../group.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { coordinates } from './routing.ts';

export const handleJoinGroup: Handler = async (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  const rebalanceTimeoutMs = version >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const groupInstanceId = version >= 5 ? body.nullableString() : null;
  const protocolType = body.string();
  // Copied: the group keeps them long after this request's frame is gone.
  const protocols = body.array(6, (r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  body.end();
  const request: JoinRequest = {
    memberId,
    groupInstanceId,
    clientId: context.clientId,
    clientHost: context.clientHost,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
    requireKnownMemberId: version >= 4,
  };
  const result: JoinResult | undefined = coordinates(context, groupId)
    ? await unlessHungUp(context.cluster.groups.join(groupId, request), context.hungUp)
    : { errorCode: ErrorCode.NOT_COORDINATOR, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
  if (!result) return null;
  return (w) => {
    if (version >= 2) w.int32(0);
    w.int16(result.errorCode).int32(result.generationId).string(result.protocolName).string(result.leaderId).string(result.memberId);
    w.array(result.members, (w, member) => {
      w.string(member.memberId);
      if (version >= 5) w.nullableString(member.groupInstanceId);
      w.bytes(member.metadata);
    });
  };
};

export const handleSyncGroup: Handler = async (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  const groupInstanceId = version >= 3 ? body.nullableString() : null;
  const assignments = body.array(6, (r) => ({ memberId: r.string(), assignment: r.bytes() }));
  body.end();
  const result = coordinates(context, groupId)
    ? await unlessHungUp(context.cluster.groups.sync(groupId, memberId, generationId, assignments, groupInstanceId), context.hungUp)
    : { errorCode: ErrorCode.NOT_COORDINATOR, assignment: Buffer.alloc(0) };
  if (!result) return null;
  return (w) => {
    if (version >= 1) w.int32(0);
    w.int16(result.errorCode).bytes(result.assignment);
  };
};

export const handleHeartbeat: Handler = (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  const groupInstanceId = version >= 3 ? body.nullableString() : null;
  body.end();
  const errorCode = coordinates(context, groupId) ? context.cluster.groups.heartbeat(groupId, memberId, generationId, groupInstanceId) : ErrorCode.NOT_COORDINATOR;
  return (w) => {
    if (version >= 1) w.int32(0);
    w.int16(errorCode);
  };
};

export const handleLeaveGroup: Handler = (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const members =
    version >= 3
      ? body.array(4, (r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }))
      : [{ memberId: body.string(), groupInstanceId: null }];
  body.end();
  const isCoordinator = coordinates(context, groupId);
  const memberErrors = isCoordinator ? context.cluster.groups.leave(groupId, members) : [];
  // v0-2 carry one member, so its error is the answer's error.
  const errorCode = !isCoordinator ? ErrorCode.NOT_COORDINATOR : version >= 3 ? ErrorCode.NONE : (memberErrors[0] ?? ErrorCode.NONE);
  const perMember = memberErrors.map((memberError, i) => ({ ...members[i]!, errorCode: memberError }));
  return (w) => {
    if (version >= 1) w.int32(0);
    w.int16(errorCode);
    if (version >= 3) {
      w.array(perMember, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
    }
  };
};
