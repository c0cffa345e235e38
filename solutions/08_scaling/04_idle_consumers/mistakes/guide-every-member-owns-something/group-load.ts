// Mistake: written for the guide's 'partitions = consumers' picture: decodes every assignment as if it held partitions, and throws on the idle member whose assignment is empty.
// Caught by: with more members than partitions, the extra member is idle and every partition has one owner
import { AssignerProtocol, type Admin, type MemberAssignment } from 'kafkajs';

export interface MemberLoad {
  memberId: string;
  clientId: string;
  /** Partitions of the topic this member owns, ascending. */
  partitions: number[];
}

export interface GroupLoad {
  /** Every member of the group, busiest first (then by memberId). */
  members: MemberLoad[];
  /** memberIds of the members that own no partition of the topic, sorted. */
  idle: string[];
  /** Partitions of the topic that no member owns, ascending. */
  unassigned: number[];
}

export async function groupLoad(admin: Admin, groupId: string, topic: string): Promise<GroupLoad> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = (groups[0]?.members ?? []).map((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment) as MemberAssignment;
    return { memberId: member.memberId, clientId: member.clientId, partitions: decoded.assignment[topic] ?? [] };
  });
  return { members, idle: [], unassigned: [] };
}
