// Mistake: reports each member's partitions in the order the assignor listed them, which follows the broker's (unsorted) metadata.
// Caught by: with fewer members than partitions, every member works and nobody is idle
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
  const [{ groups }, metadata] = await Promise.all([admin.describeGroups([groupId]), admin.fetchTopicMetadata({ topics: [topic] })]);
  const partitionIds = (metadata.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => p.partitionId);

  const members: MemberLoad[] = (groups.find((g) => g.groupId === groupId)?.members ?? []).map((member) => {
    // A member the leader gave nothing gets an empty assignment: zero bytes, which decode() turns
    // into null. That is exactly the idle member we are looking for, not an error.
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    const partitions = [...(decoded?.assignment[topic] ?? [])];
    return { memberId: member.memberId, clientId: member.clientId, partitions };
  });
  members.sort((a, b) => b.partitions.length - a.partitions.length || a.memberId.localeCompare(b.memberId));

  const owned = new Set(members.flatMap((m) => m.partitions));
  return {
    members,
    idle: members.filter((m) => m.partitions.length === 0).map((m) => m.memberId).sort(),
    unassigned: partitionIds.filter((p) => !owned.has(p)).sort((a, b) => a - b),
  };
}
