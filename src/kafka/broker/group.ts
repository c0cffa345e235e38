/**
 * One consumer group's membership, following Kafka's classic group protocol:
 *
 *   Empty ──join──▶ PreparingRebalance ──everyone rejoined, or rebalance timeout──▶ CompletingRebalance
 *     ▲                    ▲                                                          │ leader's SyncGroup
 *     └── last member gone ┴──────── join / leave / session expiry ◀── Stable ◀───────┘
 *
 * Static members (KIP-345, `group.instance.id`) keep their place across restarts: one that rejoins
 * with its instance id within the session timeout takes over its old member's id and assignment
 * without a rebalance, and the old member id is fenced (FENCED_INSTANCE_ID).
 *
 * Waiting is event-driven: a JoinGroup or SyncGroup answer is a promise resolved by the state change
 * that completes it, and each deadline (session, rebalance, initial delay, pending sync) is one timer.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from './protocol/error-codes.ts';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+: a new member first gets its id back with MEMBER_ID_REQUIRED, then joins with it. */
  requireKnownMemberId: boolean;
}

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: ErrorCode;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member's subscription, for it to compute the assignment. */
  members: JoinedMember[];
}

export interface SyncResult {
  errorCode: ErrorCode;
  assignment: Buffer;
}

export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupSummary {
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: MemberSummary[];
}

export interface GroupSettings {
  initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

class Member {
  assignment: Buffer = EMPTY;
  joinWaiter: ((result: JoinResult) => void) | undefined;
  syncWaiter: ((result: SyncResult) => void) | undefined;
  sessionTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly memberId: string,
    public request: JoinRequest,
  ) {}

  metadataFor(protocolName: string | null): Buffer {
    return this.request.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  private readonly members = new Map<string, Member>();
  /** group.instance.id → the member id currently holding it. */
  private readonly staticMembers = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED, not yet used to join; a rebalance waits for them. */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Members that got their JoinGroup answer but have not sent SyncGroup yet. */
  private awaitingSync = new Set<string>();
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private initialDelay: { timer: NodeJS.Timeout; remainingMs: number; newMemberAdded: boolean } | undefined;

  constructor(
    readonly groupId: string,
    private readonly settings: GroupSettings,
  ) {}

  get memberCount(): number {
    return this.members.size;
  }

  join(request: JoinRequest): JoinResult | Promise<JoinResult> {
    if (this.state === 'Dead') return failedJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, request.memberId);
    if (!this.acceptsProtocols(request)) return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId);
    const instanceId = request.groupInstanceId;
    if (instanceId !== null) {
      const holder = this.staticMembers.get(instanceId);
      if (request.memberId === '') {
        if (holder !== undefined) return this.replaceStaticMember(this.members.get(holder)!, request);
        // Static members skip the MEMBER_ID_REQUIRED round trip: the instance id already names them.
        return this.addMember(`${instanceId}-${randomUUID()}`, request);
      }
      if (holder !== undefined && holder !== request.memberId) return failedJoin(ErrorCode.FENCED_INSTANCE_ID, request.memberId);
    }
    if (request.memberId === '') {
      // Kafka's form, clientId-uuid; the client id is cut so the id still fits a protocol string.
      const memberId = `${request.clientId.slice(0, 1000)}-${randomUUID()}`;
      if (request.requireKnownMemberId) {
        this.addPending(memberId, request.sessionTimeoutMs);
        return failedJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      return this.addMember(memberId, request);
    }
    const pendingTimer = this.pending.get(request.memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      this.pending.delete(request.memberId);
      return this.addMember(request.memberId, request);
    }
    const member = this.members.get(request.memberId);
    if (!member) return failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId);
    return this.rejoin(member, request);
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>,
    groupInstanceId: string | null = null,
  ): SyncResult | Promise<SyncResult> {
    if (this.fenced(memberId, groupInstanceId)) return { errorCode: ErrorCode.FENCED_INSTANCE_ID, assignment: EMPTY };
    const member = this.members.get(memberId);
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    if (generationId !== this.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY };
    if (this.state === 'PreparingRebalance') return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY };
    this.touch(member);
    this.synced(memberId);
    if (this.state === 'Stable') return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    return new Promise<SyncResult>((resolve) => {
      member.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.syncWaiter = resolve;
      if (memberId !== this.leaderId) return;
      const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of this.members.values()) m.assignment = Buffer.from(byMember.get(m.memberId) ?? EMPTY);
      this.state = 'Stable';
      for (const m of this.members.values()) {
        const waiter = m.syncWaiter;
        m.syncWaiter = undefined;
        waiter?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
      }
    });
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null): ErrorCode {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.fenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** LeaveGroup v3+ names static members by instance id; the member id, if given, must be the holder's. */
  leave(leaving: ReadonlyArray<{ memberId: string; groupInstanceId: string | null }>): ErrorCode[] {
    let changed = false;
    const results = leaving.map(({ memberId: givenId, groupInstanceId }) => {
      let memberId = givenId;
      if (groupInstanceId !== null) {
        const holder = this.staticMembers.get(groupInstanceId);
        if (holder === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
        if (givenId !== '' && givenId !== holder) return ErrorCode.FENCED_INSTANCE_ID;
        memberId = holder;
      }
      const pendingTimer = this.pending.get(memberId);
      if (pendingTimer) {
        clearTimeout(pendingTimer);
        this.pending.delete(memberId);
        changed = true;
        return ErrorCode.NONE;
      }
      const member = this.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(member);
      changed = true;
      return ErrorCode.NONE;
    });
    if (changed) this.afterMembershipChange();
    return results;
  }

  /** Kafka's rules for OffsetCommit from a group member (or from outside, with generation -1). */
  validateCommit(memberId: string, generationId: number, groupInstanceId: string | null = null): ErrorCode {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE;
    if (this.fenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return ErrorCode.NONE;
  }

  /** As DescribeGroups shows it: metadata and assignments only once Stable, like Kafka. */
  summary(): GroupSummary {
    const stable = this.state === 'Stable';
    return {
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocolName: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.request.groupInstanceId,
        clientId: m.request.clientId,
        clientHost: m.request.clientHost,
        metadata: stable ? m.metadataFor(this.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** Deleted or broker stopping: stop every timer and answer everyone still waiting. */
  close(): void {
    this.state = 'Dead';
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const member of [...this.members.values()]) this.removeMember(member, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.clearRebalanceTimers();
    clearTimeout(this.syncTimer);
  }

  /** The topics the members subscribe to (consumer protocol only), for OffsetDelete. */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    if (this.protocolType !== 'consumer') return topics;
    for (const member of this.members.values()) {
      for (const protocol of member.request.protocols) for (const topic of subscriptionTopics(protocol.metadata)) topics.add(topic);
    }
    return topics;
  }

  /** A static member's instance id is held by another member id: this one is a zombie. */
  private fenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const holder = this.staticMembers.get(groupInstanceId);
    return holder !== undefined && holder !== memberId;
  }

  /**
   * A known static member joined again with no member id (it restarted): it takes over the old
   * member's place and assignment. A Stable group whose protocol stays the same does not rebalance:
   * the answer carries the current generation and the old leader id, so the member does not assign.
   */
  private replaceStaticMember(old: Member, request: JoinRequest): JoinResult | Promise<JoinResult> {
    const instanceId = request.groupInstanceId!;
    const memberId = `${instanceId}-${randomUUID()}`;
    const currentLeader = this.leaderId;
    clearTimeout(old.sessionTimer);
    const member = new Member(memberId, request);
    member.assignment = old.assignment;
    this.members.delete(old.memberId);
    this.members.set(memberId, member);
    this.staticMembers.set(instanceId, memberId);
    if (this.leaderId === old.memberId) this.leaderId = memberId;
    if (this.awaitingSync.delete(old.memberId)) this.awaitingSync.add(memberId);
    const { joinWaiter, syncWaiter } = old;
    old.joinWaiter = undefined;
    old.syncWaiter = undefined;
    joinWaiter?.(failedJoin(ErrorCode.FENCED_INSTANCE_ID, old.memberId));
    syncWaiter?.({ errorCode: ErrorCode.FENCED_INSTANCE_ID, assignment: EMPTY });
    this.touch(member);
    if (this.state === 'Stable' && this.selectProtocol() === this.protocolName) {
      return {
        errorCode: ErrorCode.NONE,
        generationId: this.generationId,
        protocolName: this.protocolName ?? '',
        leaderId: currentLeader ?? '',
        memberId,
        members: [],
      };
    }
    return new Promise((resolve) => {
      member.joinWaiter = resolve;
      if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
      else this.prepareRebalance();
    });
  }

  private acceptsProtocols(request: JoinRequest): boolean {
    if (request.protocolType === '' || request.protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (request.protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return request.protocols.some((p) => candidates.has(p.name));
  }

  /** Protocols every member supports. */
  private candidateProtocols(): Set<string> {
    let candidates: Set<string> | undefined;
    for (const member of this.members.values()) {
      const names = new Set(member.request.protocols.map((p) => p.name));
      candidates = candidates ? new Set([...candidates].filter((n) => names.has(n))) : names;
    }
    return candidates ?? new Set();
  }

  /** Each member votes for its most preferred candidate; the most votes wins. */
  private selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.request.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  private addPending(memberId: string, sessionTimeoutMs: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(memberId);
      this.maybeCompleteJoin();
    }, sessionTimeoutMs);
    timer.unref();
    this.pending.set(memberId, timer);
  }

  private addMember(memberId: string, request: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => {
      const member = new Member(memberId, request);
      member.joinWaiter = resolve;
      this.members.set(memberId, member);
      if (request.groupInstanceId !== null) this.staticMembers.set(request.groupInstanceId, memberId);
      this.leaderId ??= memberId;
      this.protocolType = request.protocolType;
      this.touch(member);
      if (this.initialDelay) this.initialDelay.newMemberAdded = true;
      if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
      else this.prepareRebalance();
    });
  }

  private rejoin(member: Member, request: JoinRequest): JoinResult | Promise<JoinResult> {
    const unchanged = sameProtocols(member.request.protocols, request.protocols);
    this.touch(member);
    if (this.state === 'CompletingRebalance' && unchanged) return this.joinResult(member);
    if (this.state === 'Stable' && unchanged && member.memberId !== this.leaderId) return this.joinResult(member);
    return new Promise((resolve) => {
      member.joinWaiter?.(failedJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.request = request;
      member.joinWaiter = resolve;
      this.touch(member);
      if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
      else this.prepareRebalance();
    });
  }

  private prepareRebalance(): void {
    if (this.state === 'CompletingRebalance') {
      for (const member of this.members.values()) {
        member.assignment = EMPTY;
        const waiter = member.syncWaiter;
        member.syncWaiter = undefined;
        waiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    clearTimeout(this.syncTimer);
    this.awaitingSync.clear();
    const wasEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    const rebalanceTimeoutMs = this.rebalanceTimeoutMs();
    if (wasEmpty && this.settings.initialRebalanceDelayMs > 0) {
      // group.initial.rebalance.delay.ms: let a burst of new consumers land in one generation.
      const delay = Math.min(this.settings.initialRebalanceDelayMs, rebalanceTimeoutMs);
      const timer = setTimeout(() => this.onInitialDelay(), delay);
      timer.unref();
      this.initialDelay = { timer, remainingMs: rebalanceTimeoutMs - delay, newMemberAdded: false };
      return;
    }
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), rebalanceTimeoutMs);
    this.rebalanceTimer.unref();
    this.maybeCompleteJoin();
  }

  private onInitialDelay(): void {
    const delay = this.initialDelay;
    if (!delay) return;
    if (delay.newMemberAdded && delay.remainingMs > 0) {
      const next = Math.min(this.settings.initialRebalanceDelayMs, delay.remainingMs);
      delay.remainingMs -= next;
      delay.newMemberAdded = false;
      delay.timer = setTimeout(() => this.onInitialDelay(), next);
      delay.timer.unref();
      return;
    }
    this.initialDelay = undefined;
    this.completeJoin();
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelay || this.pending.size > 0) return;
    for (const member of this.members.values()) if (!member.joinWaiter) return;
    this.completeJoin();
  }

  /** The join barrier falls: members that did not rejoin are dropped, a new generation starts. */
  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    this.clearRebalanceTimers();
    for (const member of [...this.members.values()]) if (!member.joinWaiter) this.removeMember(member);
    this.generationId++;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      return;
    }
    this.protocolName = this.selectProtocol();
    this.state = 'CompletingRebalance';
    this.awaitingSync = new Set(this.members.keys());
    for (const member of this.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = undefined;
      this.touch(member);
      waiter?.(this.joinResult(member));
    }
    const generation = this.generationId;
    this.syncTimer = setTimeout(() => this.onSyncTimeout(generation), this.rebalanceTimeoutMs());
    this.syncTimer.unref();
  }

  /** Members that never sent SyncGroup after joining are dropped, and the group rebalances without them. */
  private onSyncTimeout(generation: number): void {
    if (generation !== this.generationId) return;
    const laggards = [...this.awaitingSync].flatMap((id) => this.members.get(id) ?? []);
    if (laggards.length === 0) return;
    for (const member of laggards) this.removeMember(member);
    this.afterMembershipChange();
  }

  private synced(memberId: string): void {
    this.awaitingSync.delete(memberId);
    if (this.awaitingSync.size === 0) clearTimeout(this.syncTimer);
  }

  private joinResult(member: Member): JoinResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.request.groupInstanceId,
            metadata: m.metadataFor(this.protocolName),
          }))
        : [],
    };
  }

  private afterMembershipChange(): void {
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance();
    else this.maybeCompleteJoin();
  }

  private removeMember(member: Member, errorCode: ErrorCode = ErrorCode.UNKNOWN_MEMBER_ID): void {
    clearTimeout(member.sessionTimer);
    this.members.delete(member.memberId);
    const instanceId = member.request.groupInstanceId;
    if (instanceId !== null && this.staticMembers.get(instanceId) === member.memberId) this.staticMembers.delete(instanceId);
    this.synced(member.memberId);
    const { joinWaiter, syncWaiter } = member;
    member.joinWaiter = undefined;
    member.syncWaiter = undefined;
    joinWaiter?.(failedJoin(errorCode, member.memberId));
    syncWaiter?.({ errorCode, assignment: EMPTY });
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Any sign of life from a member restarts its session timer. */
  private touch(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.onSessionExpired(member), member.request.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  private onSessionExpired(member: Member): void {
    if (this.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup is waiting on us, not gone (Kafka keeps it alive too).
    if (member.joinWaiter || member.syncWaiter) {
      this.touch(member);
      return;
    }
    this.removeMember(member);
    this.afterMembershipChange();
  }

  private rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.request.rebalanceTimeoutMs);
    return max;
  }

  private clearRebalanceTimers(): void {
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    if (this.initialDelay) clearTimeout(this.initialDelay.timer);
    this.initialDelay = undefined;
  }
}

function failedJoin(errorCode: ErrorCode, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

/**
 * The topics of a consumer protocol subscription (ConsumerProtocolSubscription: version int16, then
 * topics as an array of strings); nothing if it cannot be read.
 */
function subscriptionTopics(metadata: Buffer): string[] {
  try {
    let at = 2;
    const count = metadata.readInt32BE(at);
    at += 4;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = metadata.readInt16BE(at);
      at += 2;
      if (length < 0 || at + length > metadata.length) return topics;
      topics.push(metadata.toString('utf8', at, at + length));
      at += length;
    }
    return topics;
  } catch {
    return [];
  }
}

function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
