// Mistake: looks only at the group, never at the topic: partitions nobody owns are invisible, so a group nobody joined seems to leave nothing unassigned.
// Caught by: a group nobody has joined leaves every partition unassigned
import { AssignerProtocol, type Admin } from 'kafkajs';

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

  const members: MemberLoad[] = (groups.find((g) => g.groupId === groupId)?.members ?? []).map((member) => {
    // A member the leader gave nothing gets an empty assignment: zero bytes, which decode() turns
    // into null. That is exactly the idle member we are looking for, not an error.
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    const partitions = [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
    return { memberId: member.memberId, clientId: member.clientId, partitions };
  });
  members.sort((a, b) => b.partitions.length - a.partitions.length || a.memberId.localeCompare(b.memberId));

  const owned = members.flatMap((m) => m.partitions).sort((a, b) => a - b);
  // Partitions between the owned ones that nobody has.
  const highest = owned.at(-1) ?? -1;
  const partitionIds = Array.from({ length: highest + 1 }, (_, p) => p);
  return {
    members,
    idle: members.filter((m) => m.partitions.length === 0).map((m) => m.memberId).sort(),
    unassigned: partitionIds.filter((p) => !owned.includes(p)),
  };
}
