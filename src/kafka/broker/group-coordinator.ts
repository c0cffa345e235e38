/**
 * Every consumer group in the cluster and their committed offsets. Which broker answers for a group
 * is decided by the request handlers (NOT_COORDINATOR); this keeps the state they share.
 */
import { ErrorCode } from './protocol/error-codes.ts';
import { Group, type GroupSettings, type GroupSummary, type JoinRequest, type JoinResult, type SyncResult } from './group.ts';

export interface CoordinatorSettings extends GroupSettings {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

export interface CommittedOffset {
  offset: number;
  /** OffsetCommit v6+ (-1 before, or when unknown). */
  leaderEpoch: number;
  metadata: string;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/** offset.metadata.max.bytes */
const MAX_OFFSET_METADATA_BYTES = 4096;

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  /** Producer id → group → offsets committed inside its open transaction, applied only by its commit. */
  private readonly pendingTransactional = new Map<number, Map<string, OffsetCommitEntry[]>>();

  constructor(private readonly settings: CoordinatorSettings) {}

  join(groupId: string, request: JoinRequest): JoinResult | Promise<JoinResult> {
    const fail = (errorCode: ErrorCode): JoinResult => ({ errorCode, generationId: -1, protocolName: '', leaderId: '', memberId: request.memberId, members: [] });
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.settings;
    if (request.sessionTimeoutMs < minSessionTimeoutMs || request.sessionTimeoutMs > maxSessionTimeoutMs) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    let group = this.groups.get(groupId);
    if (!group) {
      // Only a member without an id may bring a group into existence.
      if (request.memberId !== '') return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = this.createGroup(groupId);
    }
    return group.join(request);
  }

  sync(
    groupId: string,
    memberId: string,
    generationId: number,
    assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>,
    groupInstanceId: string | null = null,
  ): SyncResult | Promise<SyncResult> {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
    return group.sync(memberId, generationId, assignments, groupInstanceId);
  }

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): ErrorCode {
    return this.groups.get(groupId)?.heartbeat(memberId, generationId, groupInstanceId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** One error per leaving member (all UNKNOWN_MEMBER_ID if the group does not exist, as in Kafka). */
  leave(groupId: string, leaving: ReadonlyArray<{ memberId: string; groupInstanceId: string | null }>): ErrorCode[] {
    const group = this.groups.get(groupId);
    if (!group) return leaving.map(() => ErrorCode.UNKNOWN_MEMBER_ID);
    return group.leave(leaving);
  }

  /** One error for the whole commit, or one per entry (UNKNOWN_TOPIC_OR_PARTITION, metadata too large). */
  commit(
    groupId: string,
    memberId: string,
    generationId: number,
    entries: readonly OffsetCommitEntry[],
    partitionExists: (topic: string, partition: number) => boolean,
    groupInstanceId: string | null = null,
  ): ErrorCode | ErrorCode[] {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    let group = this.groups.get(groupId);
    if (!group) {
      // Generation -1 is a commit from outside group management (e.g. admin.setOffsets).
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = this.createGroup(groupId);
    }
    const errorCode = group.validateCommit(memberId, generationId, groupInstanceId);
    if (errorCode !== ErrorCode.NONE) return errorCode;
    const committed = this.committedFor(groupId);
    return entries.map(({ topic, partition, offset, leaderEpoch, metadata }) => {
      if (!partitionExists(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (metadata !== null && Buffer.byteLength(metadata) > MAX_OFFSET_METADATA_BYTES) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      let partitions = committed.get(topic);
      if (!partitions) committed.set(topic, (partitions = new Map()));
      partitions.set(partition, { offset, leaderEpoch, metadata: metadata ?? '' });
      return ErrorCode.NONE;
    });
  }

  /**
   * TxnOffsetCommit: the offsets wait for the transaction's end, invisible to OffsetFetch until its
   * commit marker. An unknown group comes into existence, empty, as in Kafka.
   */
  stageTransactionalCommit(
    groupId: string,
    producerId: number,
    entries: readonly OffsetCommitEntry[],
    partitionExists: (topic: string, partition: number) => boolean,
  ): ErrorCode[] {
    if (!this.groups.has(groupId)) this.createGroup(groupId);
    let byGroup = this.pendingTransactional.get(producerId);
    if (!byGroup) this.pendingTransactional.set(producerId, (byGroup = new Map()));
    let pending = byGroup.get(groupId);
    if (!pending) byGroup.set(groupId, (pending = []));
    const staged = pending;
    return entries.map((entry) => {
      if (!partitionExists(entry.topic, entry.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (entry.metadata !== null && Buffer.byteLength(entry.metadata) > MAX_OFFSET_METADATA_BYTES) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      staged.push(entry);
      return ErrorCode.NONE;
    });
  }

  /** The transaction's marker reached the groups' offsets: apply (commit) or drop (abort) what it staged. */
  completeTransaction(producerId: number, groupIds: Iterable<string>, commit: boolean): void {
    const byGroup = this.pendingTransactional.get(producerId);
    if (!byGroup) return;
    for (const groupId of groupIds) {
      const pending = byGroup.get(groupId);
      byGroup.delete(groupId);
      if (!commit || !pending) continue;
      const committed = this.committedFor(groupId);
      for (const { topic, partition, offset, leaderEpoch, metadata } of pending) {
        let partitions = committed.get(topic);
        if (!partitions) committed.set(topic, (partitions = new Map()));
        partitions.set(partition, { offset, leaderEpoch, metadata: metadata ?? '' });
      }
    }
    if (byGroup.size === 0) this.pendingTransactional.delete(producerId);
  }

  /** Committed offsets of the given partitions (-1 where none), or of every partition with a commit. */
  fetchOffsets(groupId: string, topics: ReadonlyArray<{ topic: string; partitions: number[] }> | null): Array<{ topic: string; partitions: Array<{ partition: number } & CommittedOffset> }> {
    const committed = this.offsets.get(groupId);
    if (topics === null) {
      return [...(committed ?? new Map<string, Map<number, CommittedOffset>>())].map(([topic, partitions]) => ({
        topic,
        partitions: [...partitions].map(([partition, c]) => ({ partition, ...c })),
      }));
    }
    return topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((partition) => ({ partition, ...(committed?.get(topic)?.get(partition) ?? { offset: -1, leaderEpoch: -1, metadata: '' }) })),
    }));
  }

  /**
   * OffsetDelete: a group-level error, or one error per partition. Kafka's rules: an empty group
   * loses any committed offset; a group with members keeps those of topics it subscribes to
   * (GROUP_SUBSCRIBED_TO_TOPIC); a group with members that is not a consumer group refuses.
   */
  deleteOffsets(groupId: string, partitions: ReadonlyArray<{ topic: string; partition: number }>, partitionExists: (topic: string, partition: number) => boolean): ErrorCode | ErrorCode[] {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    let subscribed = new Set<string>();
    if (group.state !== 'Empty') {
      if (group.protocolType !== 'consumer') return ErrorCode.NON_EMPTY_GROUP;
      subscribed = group.subscribedTopics();
    }
    const committed = this.offsets.get(groupId);
    const errors = partitions.map(({ topic, partition }) => {
      if (!partitionExists(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (subscribed.has(topic)) return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      const byPartition = committed?.get(topic);
      byPartition?.delete(partition);
      if (byPartition?.size === 0) committed!.delete(topic);
      return ErrorCode.NONE;
    });
    // Kafka drops an empty group once it has no offsets left: it no longer exists.
    if (group.state === 'Empty' && (committed?.size ?? 0) === 0) this.delete(groupId);
    return errors;
  }

  /** The group's generation (DescribeGroups does not carry it; the live view shows it). */
  generation(groupId: string): number | undefined {
    return this.groups.get(groupId)?.generationId;
  }

  describe(groupId: string): GroupSummary {
    return this.groups.get(groupId)?.summary() ?? { state: 'Dead', protocolType: '', protocolName: '', members: [] };
  }

  list(): Array<{ groupId: string; protocolType: string; state: string }> {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  delete(groupId: string): ErrorCode {
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.memberCount > 0) return ErrorCode.NON_EMPTY_GROUP;
    group.close();
    this.groups.delete(groupId);
    this.offsets.delete(groupId);
    return ErrorCode.NONE;
  }

  /** A deleted topic takes its committed offsets with it, as in Kafka. */
  forgetTopic(topic: string): void {
    for (const committed of this.offsets.values()) committed.delete(topic);
  }

  close(): void {
    for (const group of this.groups.values()) group.close();
    this.groups.clear();
  }

  private createGroup(groupId: string): Group {
    const group = new Group(groupId, this.settings);
    this.groups.set(groupId, group);
    return group;
  }

  private committedFor(groupId: string): Map<string, Map<number, CommittedOffset>> {
    let committed = this.offsets.get(groupId);
    if (!committed) this.offsets.set(groupId, (committed = new Map()));
    return committed;
  }
}
