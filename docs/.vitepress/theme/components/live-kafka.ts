/**
 * Kafka in the live view: each partition drawn as a log (log start … last stable offset … high
 * watermark, each group's committed offset as a marker), each group's members as cards holding the
 * partitions they own (a partition that just moved is highlighted, so a rebalance is seen, not
 * read), lag as bars plus a sparkline of the last minute, and the timeline of rebalances and
 * transactions. Render functions only: the state is the live connection's (../live.ts).
 */
import { h, type VNode } from 'vue';
import type { KafkaGroupView, KafkaTimelineEvent, KafkaTopicView, KafkaView } from '../../../../src/live/protocol.ts';
import { lagKey, rateKey, totalLag, type Sample } from '../live.ts';
import { bar, rate, sparkline } from './live-charts.ts';

/** How long a partition that moved stays highlighted on its new owner's card. */
const MOVED_HIGHLIGHT_MS = 8_000;
const LOG_WIDTH = 560;
const ROW_HEIGHT = 30;
const LABEL_WIDTH = 70;
/** Room at the right for the high watermark's number. */
const OFFSET_WIDTH = 64;

export interface KafkaRenderOptions {
  history: Record<string, Sample[]>;
  now: number;
  /** `?topic=` on /broker/: that topic first and marked. */
  selectedTopic?: string;
  /** Only these topics and the groups reading them (a lab page's compact view); all when absent. */
  compact?: boolean;
}

export function kafkaPanel(view: KafkaView, options: KafkaRenderOptions): VNode {
  const topics = orderTopics(view.topics, options.selectedTopic);
  return h('div', { class: 'live-kafka' }, [
    h('h3', { class: 'live-heading' }, `Topics (${topics.length})`),
    topics.length === 0 ? h('p', { class: 'live-empty' }, 'No topics yet: produce a record (console below) or run a lab.') : legend(),
    ...topics.map((topic) => topicLog(topic, view.groups, options)),
    h('h3', { class: 'live-heading' }, `Consumer groups (${view.groups.length})`),
    view.groups.length === 0 ? h('p', { class: 'live-empty' }, 'No consumer groups yet: start a consumer in a group (console below).') : null,
    ...view.groups.map((group) => groupCard(group, view.timeline, options)),
    options.compact ? null : timeline(view.timeline),
  ]);
}

function orderTopics(topics: KafkaTopicView[], selected: string | undefined): KafkaTopicView[] {
  const sorted = [...topics].sort((a, b) => a.name.localeCompare(b.name));
  const first = sorted.find((t) => t.name === selected);
  return first ? [first, ...sorted.filter((t) => t !== first)] : sorted;
}

const num = (offset: string): number => Number(offset);

/** One topic: a row per partition, the log from its start to the high watermark, on one scale. */
export function topicLog(topic: KafkaTopicView, groups: KafkaGroupView[], options: KafkaRenderOptions): VNode {
  const top = Math.max(1, ...topic.partitions.map((p) => num(p.highWatermark)));
  const scale = (offset: number): number => LABEL_WIDTH + (offset / top) * (LOG_WIDTH - LABEL_WIDTH - OFFSET_WIDTH);
  const readers = groups.flatMap((g) => g.offsets.filter((o) => o.topic === topic.name && o.committed !== null).map((o) => ({ group: g.id, ...o })));
  const height = topic.partitions.length * ROW_HEIGHT + 6;
  const partitions = [...topic.partitions].sort((a, b) => a.partition - b.partition);
  const description = partitions
    .map((p) => `partition ${p.partition}: leader ${p.leader}, offsets ${p.logStartOffset} to ${p.highWatermark}, last stable ${p.lastStableOffset}`)
    .join('; ');
  return h('section', { class: ['live-topic', topic.name === options.selectedTopic ? 'is-selected' : ''], 'data-topic': topic.name }, [
    h('header', { class: 'live-topic-head' }, [
      h('strong', { class: 'live-name' }, topic.name),
      h('span', { class: 'live-meta' }, `${partitions.length} partition${partitions.length === 1 ? '' : 's'} · ${rate(topic.messagesPerSecond)}`),
      sparkline(options.history[rateKey(topic.name)] ?? [], `${topic.name} records per second`),
    ]),
    h('svg', { class: 'live-log', viewBox: `0 0 ${LOG_WIDTH} ${height}`, role: 'img', 'aria-label': `${topic.name}: ${description}` }, [
      h('title', `${topic.name}: ${description}`),
      ...partitions.flatMap((p, row) => {
        const y = 3 + row * ROW_HEIGHT;
        const start = scale(num(p.logStartOffset));
        const lso = scale(num(p.lastStableOffset));
        const end = scale(num(p.highWatermark));
        const markers = readers.filter((r) => r.partition === p.partition);
        return [
          h('text', { class: 'live-log-label', x: 0, y: y + 17 }, `p${p.partition} · L${p.leader}`),
          h('rect', { class: 'live-log-track', x: LABEL_WIDTH, y: y + 6, width: LOG_WIDTH - LABEL_WIDTH - OFFSET_WIDTH, height: 14, rx: 3 }),
          h('rect', { class: 'live-log-stable', x: start, y: y + 6, width: Math.max(0, lso - start), height: 14, rx: 3, 'data-partition': p.partition }),
          lso < end ? h('rect', { class: 'live-log-open', x: lso, y: y + 6, width: end - lso, height: 14 }) : null,
          h('text', { class: 'live-log-offset', x: end + 4, y: y + 17, 'data-high-watermark': p.partition }, p.highWatermark),
          ...markers.map((m) => {
            const x = scale(num(m.committed ?? '0'));
            return h('path', { class: 'live-log-marker', d: `M${x},${y + 4} l-4,-4 h8 z`, 'data-group': m.group }, [h('title', `${m.group} committed ${m.committed}, lag ${m.lag ?? 'not known'}`)]);
          }),
        ];
      }),
    ]),
  ]);
}

/** How to read the logs: once, above them. */
function legend(): VNode {
  return h('p', { class: 'live-log-legend' }, [
    'Each partition is a log of offsets: ',
    h('span', { class: 'live-swatch is-stable' }),
    ' log start → last stable offset, ',
    h('span', { class: 'live-swatch is-open' }),
    ' in open transactions (up to the high watermark, the number at the end), ▾ a group\'s committed offset.',
  ]);
}

/** Partitions that moved to `member` in the group's latest rebalances (still highlighted). */
function movedTo(group: string, member: string, timelineEvents: KafkaTimelineEvent[], now: number): Set<string> {
  const moved = new Set<string>();
  for (const event of timelineEvents) {
    if (event.kind !== 'rebalance' || event.group !== group || now - event.at > MOVED_HIGHLIGHT_MS) continue;
    for (const m of event.moved) if (m.to === member) moved.add(`${m.topic}:${m.partition}`);
  }
  return moved;
}

export function groupCard(group: KafkaGroupView, timelineEvents: KafkaTimelineEvent[], options: KafkaRenderOptions): VNode {
  const lag = totalLag(group.offsets);
  const maxLag = Math.max(1, ...group.offsets.map((o) => o.lag ?? 0));
  const members = [...group.members].sort((a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId));
  return h('section', { class: 'live-group', 'data-group': group.id, 'data-state': group.state }, [
    h('header', { class: 'live-group-head' }, [
      h('strong', { class: 'live-name' }, group.id),
      h('span', { class: ['live-badge', `is-${group.state.toLowerCase()}`] }, group.state),
      h(
        'span',
        { class: 'live-meta' },
        [group.generation === undefined ? '' : `generation ${group.generation}`, group.protocol ? `${group.protocolType || 'consumer'} · ${group.protocol}` : group.protocolType, `${members.length} member${members.length === 1 ? '' : 's'}`]
          .filter(Boolean)
          .join(' · '),
      ),
      h('span', { class: 'live-group-lag' }, ['lag ', lag === null ? 'not known' : String(lag), ' ', sparkline(options.history[lagKey(group.id)] ?? [], `${group.id} total lag`)]),
    ]),
    h(
      'ul',
      { class: 'live-members' },
      members.length === 0
        ? [h('li', { class: 'live-member is-none' }, 'No member: the group is empty; its committed offsets stay.')]
        : members.map((member) => {
            const moved = movedTo(group.id, member.memberId, timelineEvents, options.now);
            return h('li', { class: 'live-member', 'data-member': member.memberId, 'data-client': member.clientId }, [
              h('div', { class: 'live-member-name' }, member.clientId || member.memberId),
              h('div', { class: 'live-member-id', title: member.memberId }, `${shortId(member.memberId)} · ${member.host}${member.groupInstanceId ? ` · static ${member.groupInstanceId}` : ''}`),
              ...member.assignment
                .filter((a) => a.partitions.length > 0)
                .map((a) =>
                  h('div', { class: 'live-owned-topic' }, [
                    h('span', { class: 'live-owned-name' }, a.topic),
                    h(
                      'ul',
                      { class: 'live-owned', 'aria-label': `partitions of ${a.topic} that ${member.clientId || member.memberId} owns` },
                      a.partitions
                        .slice()
                        .sort((x, y) => x - y)
                        .map((p) =>
                          h('li', { class: ['live-chip', moved.has(`${a.topic}:${p}`) ? 'is-moved' : ''], 'data-owned': `${a.topic}:${p}`, key: `${a.topic}:${p}`, title: moved.has(`${a.topic}:${p}`) ? 'moved here in the last rebalance' : undefined }, `p${p}`),
                        ),
                    ),
                  ]),
                ),
              member.assignment.every((a) => a.partitions.length === 0) ? h('p', { class: 'live-empty' }, 'owns no partition') : null,
            ]);
          }),
    ),
    group.offsets.length === 0
      ? null
      : h('table', { class: 'live-offsets' }, [
          h('caption', { class: 'visually-hidden' }, `Committed offsets and lag of ${group.id}`),
          h('thead', [h('tr', [h('th', { scope: 'col' }, 'partition'), h('th', { scope: 'col' }, 'committed'), h('th', { scope: 'col' }, 'lag')])]),
          h(
            'tbody',
            [...group.offsets]
              .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
              .map((o) => h('tr', { 'data-offset': `${o.topic}:${o.partition}` }, [h('td', `${o.topic}/${o.partition}`), h('td', o.committed ?? '—'), h('td', [bar(o.lag, maxLag, `lag of ${o.topic}/${o.partition}`)])])),
          ),
        ]),
  ]);
}

/** Kafka's member ids are long (`client-1-5b0e…`): the first part and the end are enough to tell them apart. */
function shortId(id: string): string {
  return id.length <= 24 ? id : `${id.slice(0, 12)}…${id.slice(-6)}`;
}

export function timeline(events: KafkaTimelineEvent[]): VNode {
  const newest = [...events].reverse().slice(0, 30);
  return h('section', { class: 'live-timeline' }, [
    h('h3', { class: 'live-heading' }, 'Timeline'),
    newest.length === 0
      ? h('p', { class: 'live-empty' }, 'Rebalances, transactions and new topics appear here as they happen.')
      : h('ol', { class: 'live-timeline-list', reversed: true, tabindex: 0, 'aria-label': 'Rebalances, transactions and topics, newest first' }, newest.map((event) => h('li', { class: `is-${event.kind}`, 'data-kind': event.kind }, [h('time', { datetime: new Date(event.at).toISOString() }, new Date(event.at).toLocaleTimeString()), ' ', describe(event)]))),
  ]);
}

function describe(event: KafkaTimelineEvent): string {
  switch (event.kind) {
    case 'rebalance': {
      const parts = [
        `${event.group} rebalanced${event.generation === undefined ? '' : ` (generation ${event.generation})`}`,
        event.joined.length ? `joined: ${event.joined.map(shortId).join(', ')}` : '',
        event.left.length ? `left: ${event.left.map(shortId).join(', ')}` : '',
        event.moved.length ? `moved: ${event.moved.map((m) => `${m.topic}/${m.partition} ${m.from ? shortId(m.from) : '—'} → ${m.to ? shortId(m.to) : '—'}`).join('; ')}` : '',
      ];
      return parts.filter(Boolean).join(' · ');
    }
    case 'transaction':
      return `transaction ${event.transactionalId} ${event.state}${event.partitions.length ? ` on ${event.partitions.map((p) => `${p.topic}/${p.partition}`).join(', ')}` : ''}`;
    case 'topic-created':
      return `topic ${event.topic} created`;
    case 'topic-deleted':
      return `topic ${event.topic} deleted`;
  }
}
