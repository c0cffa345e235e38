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
    // TODO: written for the guide's picture, where every consumer has partitions. A member the
    // leader gave nothing has an empty assignment, which decode() returns as null, and then this
    // line throws. Handle it, and sort each member's partitions.
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment) as MemberAssignment;
    return { memberId: member.memberId, clientId: member.clientId, partitions: decoded.assignment[topic] ?? [] };
  });
  // TODO: order the members busiest first, list the idle ones, and find the partitions nobody owns
  // (admin.fetchTopicMetadata says which partitions the topic has).
  return { members, idle: [], unassigned: [] };
}
