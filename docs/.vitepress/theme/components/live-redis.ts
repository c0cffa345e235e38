/**
 * Redis in the live view: pub/sub channels and patterns with their subscribers and rates, and each
 * stream with its groups — last-delivered id, lag as a bar and a sparkline, consumers as cards with
 * their pending count and idle time, and the pending entries themselves. Render functions only.
 */
import { h, type VNode } from 'vue';
import type { RedisStreamView, RedisView } from '../../../../src/live/protocol.ts';
import { streamLagKey, type Sample } from '../live.ts';
import { bar, duration, rate, sparkline } from './live-charts.ts';

export interface RedisRenderOptions {
  history: Record<string, Sample[]>;
  /** `?stream=` / `?channel=` on /broker/: shown first and marked. */
  selectedStream?: string;
  selectedChannel?: string;
  compact?: boolean;
}

export function redisPanel(view: RedisView, options: RedisRenderOptions): VNode {
  const channels = [...view.channels].sort((a, b) => (a.name === options.selectedChannel ? -1 : b.name === options.selectedChannel ? 1 : a.name.localeCompare(b.name)));
  const streams = [...view.streams].sort((a, b) => (a.key === options.selectedStream ? -1 : b.key === options.selectedStream ? 1 : a.key.localeCompare(b.key)));
  const maxSubscribers = Math.max(1, ...channels.map((c) => c.subscribers));
  return h('div', { class: 'live-redis' }, [
    h('h3', { class: 'live-heading' }, `Pub/Sub channels (${channels.length})`),
    channels.length === 0
      ? h('p', { class: 'live-empty' }, 'No channel has a subscriber now: Redis keeps no channel nobody listens to.')
      : h('table', { class: 'live-channels' }, [
          h('caption', { class: 'visually-hidden' }, 'Channels with subscribers'),
          h('thead', [h('tr', [h('th', { scope: 'col' }, 'channel'), h('th', { scope: 'col' }, 'subscribers'), h('th', { scope: 'col' }, 'messages')])]),
          h(
            'tbody',
            channels.map((c) =>
              h('tr', { 'data-channel': c.name, class: c.name === options.selectedChannel ? 'is-selected' : '' }, [
                h('td', { class: 'live-name' }, c.name),
                h('td', [bar(c.subscribers, maxSubscribers, `subscribers of ${c.name}`)]),
                h('td', rate(c.messagesPerSecond)),
              ]),
            ),
          ),
        ]),
    h('p', { class: 'live-meta', 'data-patterns': view.patterns.count }, [
      `${view.patterns.count} pattern subscription${view.patterns.count === 1 ? '' : 's'}`,
      view.patterns.patterns.length ? `: ${view.patterns.patterns.map((p) => `${p.pattern} (${p.subscribers})`).join(', ')}` : '',
    ]),
    h('h3', { class: 'live-heading' }, `Streams (${streams.length})`),
    streams.length === 0 ? h('p', { class: 'live-empty' }, 'No streams yet: try `XADD orders * id 1` in the console below.') : null,
    ...streams.map((stream) => streamCard(stream, options)),
  ]);
}

export function streamCard(stream: RedisStreamView, options: RedisRenderOptions): VNode {
  return h('section', { class: ['live-stream', stream.key === options.selectedStream ? 'is-selected' : ''], 'data-stream': stream.key }, [
    h('header', { class: 'live-topic-head' }, [
      h('strong', { class: 'live-name' }, stream.key),
      h('span', { class: 'live-meta', 'data-length': stream.length }, `${stream.length} entr${stream.length === 1 ? 'y' : 'ies'} · ${stream.firstId ?? '—'} … ${stream.lastId ?? '—'}`),
    ]),
    stream.groups.length === 0
      ? h('p', { class: 'live-empty' }, 'No consumer group: readers use XREAD and keep their own position.')
      : h(
          'div',
          { class: 'live-stream-groups' },
          stream.groups.map((group) => {
            const maxPending = Math.max(1, ...group.consumers.map((c) => c.pending));
            return h('div', { class: 'live-group', 'data-stream-group': group.name }, [
              h('header', { class: 'live-group-head' }, [
                h('strong', { class: 'live-name' }, group.name),
                h('span', { class: 'live-meta' }, `last delivered ${group.lastDeliveredId} · ${group.pending} pending`),
                h('span', { class: 'live-group-lag' }, ['lag ', group.lag === null ? 'not known' : String(group.lag), ' ', sparkline(options.history[streamLagKey(stream.key, group.name)] ?? [], `${stream.key} ${group.name} lag`)]),
              ]),
              h(
                'ul',
                { class: 'live-members' },
                group.consumers.length === 0
                  ? [h('li', { class: 'live-member is-none' }, 'No consumer has read yet.')]
                  : group.consumers.map((c) =>
                      h('li', { class: 'live-member', 'data-consumer': c.name }, [
                        h('div', { class: 'live-member-name' }, c.name),
                        h('div', { class: 'live-member-id' }, `idle ${duration(c.idleMs)}`),
                        h('div', ['pending ', bar(c.pending, maxPending, `pending of ${c.name}`)]),
                      ]),
                    ),
              ),
              options.compact || group.pendingEntries.length === 0
                ? null
                : h('details', { class: 'live-pending' }, [
                    h('summary', `Pending entries (${group.pendingEntries.length}${group.pending > group.pendingEntries.length ? ` of ${group.pending}, oldest first` : ''})`),
                    h('table', [
                      h('thead', [h('tr', [h('th', { scope: 'col' }, 'id'), h('th', { scope: 'col' }, 'consumer'), h('th', { scope: 'col' }, 'idle'), h('th', { scope: 'col' }, 'deliveries')])]),
                      h('tbody', group.pendingEntries.map((e) => h('tr', { 'data-pending': e.id }, [h('td', e.id), h('td', e.consumer), h('td', duration(e.idleMs)), h('td', String(e.deliveries))]))),
                    ]),
                  ]),
            ]);
          }),
        ),
  ]);
}
