/** DescribeGroups, ListGroups and DeleteGroups: what the admin client sees of groups. */
import type { Handler } from '../context.ts';
import type { GroupSummary } from '../group.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { ALL_GROUP_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './metadata.ts';
import { coordinates } from './routing.ts';

export const handleDescribeGroups: Handler = (body, context) => {
  const version = context.apiVersion;
  const groupIds = body.stringArray();
  const operations = version >= 3 && body.bool() ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
  body.end();
  const notHere: GroupSummary = { state: 'Dead', protocolType: '', protocolName: '', members: [] };
  const groups = groupIds.map((groupId) =>
    coordinates(context, groupId)
      ? { groupId, errorCode: ErrorCode.NONE as ErrorCode, summary: context.cluster.groups.describe(groupId) }
      : { groupId, errorCode: ErrorCode.NOT_COORDINATOR as ErrorCode, summary: notHere },
  );
  return (w) => {
    if (version >= 1) w.int32(0);
    w.array(groups, (w, { groupId, errorCode, summary }) => {
      const shown = errorCode === ErrorCode.NONE;
      w.int16(errorCode).string(groupId).string(shown ? summary.state : '').string(summary.protocolType).string(summary.protocolName);
      w.array(summary.members, (w, m) => {
        w.string(m.memberId);
        if (version >= 4) w.nullableString(m.groupInstanceId);
        w.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
      });
      if (version >= 3) w.int32(operations);
    });
  };
};

/** Each broker lists the groups it coordinates; the admin client asks them all. */
export const handleListGroups: Handler = (body, context) => {
  const version = context.apiVersion;
  body.end();
  const groups = context.cluster.groups.list().filter((g) => coordinates(context, g.groupId));
  return (w) => {
    if (version >= 1) w.int32(0);
    w.int16(ErrorCode.NONE).array(groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  };
};

export const handleDeleteGroups: Handler = (body, context) => {
  const groupIds = body.stringArray();
  body.end();
  const results = groupIds.map((groupId) => ({
    groupId,
    errorCode: coordinates(context, groupId) ? context.cluster.groups.delete(groupId) : ErrorCode.NOT_COORDINATOR,
  }));
  return (w) => {
    w.int32(0);
    w.array(results, (w, r) => w.string(r.groupId).int16(r.errorCode));
  };
};
