/**
 * /broker/: both brokers of `npm start`, live. Kafka and Redis side by side, the live tail of a
 * channel, stream or topic the learner picks, the brokers' addresses and the commands to reach
 * them, and the console. `?topic=`, `?stream=` and `?channel=` (chapters link with them) put that
 * one first and tail it. On the static site it says in one line that it needs `npm start`.
 */
import { computed, defineComponent, h, onMounted, onUnmounted, ref, type VNode } from 'vue';
import type { BrokerView, LiveSnapshot, TailItem } from '../../../../src/live/protocol.ts';
import { labUrl } from '../../../../src/site/shared.ts';
import { acquireLive, liveState, liveToken, NEEDS_NPM_START, releaseLive, setTail, type LiveConnection } from '../live.ts';
import { kafkaPanel } from './live-kafka.ts';
import { redisPanel } from './live-redis.ts';
import { LiveConsole } from './live-console.ts';

export interface Selection {
  topic?: string;
  stream?: string;
  channel?: string;
}

/** What `?topic=…&stream=…&channel=…` asks for, and the tail it implies (the first one given). */
export function readSelection(search: string): { selection: Selection; tail?: string } {
  const query = new URLSearchParams(search);
  const pick = (name: string): string | undefined => query.get(name)?.trim() || undefined;
  const selection: Selection = { topic: pick('topic'), stream: pick('stream'), channel: pick('channel') };
  const tail = selection.stream ? `redis-stream:${selection.stream}` : selection.channel ? `redis-channel:${selection.channel}` : selection.topic ? `kafka-topic:${selection.topic}` : undefined;
  return { selection, tail };
}

/** The line that says whether the view is live; a live region, so a screen reader hears it change. */
export function statusLine(live: LiveConnection): VNode {
  const snapshot = live.snapshot.value;
  const text =
    live.status.value === 'static'
      ? NEEDS_NPM_START
      : live.status.value === 'lost'
        ? 'The connection to `npm start` was lost: start it again and reload this page.'
        : snapshot
          ? `Live · read at ${new Date(snapshot.at).toLocaleTimeString()}`
          : 'Connecting to the brokers of `npm start`…';
  return h('p', { class: ['live-status', `is-${live.status.value}`], role: 'status', 'data-live': live.status.value, 'data-snapshot-at': snapshot?.at ?? '' }, text);
}

export function brokerState<T>(view: BrokerView<T>, name: string): VNode | undefined {
  if (view.state === 'starting') return h('p', { class: 'live-empty' }, `${name} is starting…`);
  if (view.state === 'unavailable') return h('p', { class: 'live-unavailable' }, `${name} is not available: ${view.reason}`);
  return undefined;
}

function addresses(snapshot: LiveSnapshot): VNode {
  const rows: VNode[] = [];
  if (snapshot.kafka.state === 'ready') {
    rows.push(
      h('div', { class: 'live-address', 'data-broker': 'kafka' }, [
        h('dt', `Kafka (${snapshot.kafka.embedded ? "the workbook's embedded broker" : 'KAFKA_BROKERS'})`),
        h('dd', [h('code', `bootstrap.servers=${snapshot.kafka.bootstrap}`), ...snapshot.kafka.commands.map((c) => h('code', { class: 'live-command' }, c))]),
      ]),
    );
  }
  if (snapshot.redis.state === 'ready') {
    rows.push(
      h('div', { class: 'live-address', 'data-broker': 'redis' }, [
        h('dt', `Redis (${snapshot.redis.embedded ? "the workbook's own server" : 'REDIS_URL'})`),
        h('dd', [h('code', snapshot.redis.url), ...snapshot.redis.commands.map((c) => h('code', { class: 'live-command' }, c))]),
      ]),
    );
  }
  return h('section', { class: 'live-addresses', 'aria-labelledby': 'live-addresses-title' }, [
    h('h2', { id: 'live-addresses-title' }, 'Where the brokers are'),
    rows.length ? h('dl', rows) : h('p', { class: 'live-empty' }, 'The brokers are starting…'),
  ]);
}

function tailSources(snapshot: LiveSnapshot | undefined): Array<{ value: string; label: string }> {
  if (!snapshot) return [];
  const sources: Array<{ value: string; label: string }> = [];
  if (snapshot.redis.state === 'ready') {
    for (const c of snapshot.redis.channels) sources.push({ value: `redis-channel:${c.name}`, label: `Redis channel ${c.name}` });
    for (const s of snapshot.redis.streams) sources.push({ value: `redis-stream:${s.key}`, label: `Redis stream ${s.key}` });
  }
  if (snapshot.kafka.state === 'ready') for (const t of snapshot.kafka.topics) sources.push({ value: `kafka-topic:${t.name}`, label: `Kafka topic ${t.name}` });
  return sources;
}

export function tailLine(item: TailItem): string {
  switch (item.source) {
    case 'redis-channel':
      return `${item.channel}${item.pattern ? ` (via ${item.pattern})` : ''}: ${item.message}`;
    case 'redis-stream':
      return `${item.key} ${item.id} ${Object.entries(item.fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    case 'kafka-topic':
      return `${item.record.topic}/${item.record.partition}@${item.record.offset} ${item.record.key ?? '∅'} → ${item.record.value ?? '∅'}`;
  }
}

const TailPanel = defineComponent({
  name: 'LiveTail',
  setup() {
    const live = liveState();
    const typed = ref('');
    const choose = (value: string): void => setTail(value || undefined);
    return (): VNode => {
      const sources = tailSources(live.snapshot.value);
      const current = live.tailing.value;
      if (current && !sources.some((s) => s.value === current)) sources.unshift({ value: current, label: current.replace(/^(redis|kafka)-(\w+):/, '$1 $2 ') });
      return h('section', { class: 'live-tail', 'aria-labelledby': 'live-tail-title' }, [
        h('h2', { id: 'live-tail-title' }, 'Live tail'),
        h('div', { class: 'live-form-row' }, [
          h('label', { for: 'live-tail-source' }, 'Show what arrives on'),
          h(
            'select',
            { id: 'live-tail-source', value: current ?? '', onChange: (e: Event) => choose((e.target as HTMLSelectElement).value) },
            [h('option', { value: '' }, 'nothing'), ...sources.map((s) => h('option', { value: s.value }, s.label))],
          ),
          h(
            'form',
            {
              class: 'live-inline-form',
              onSubmit: (e: Event) => {
                e.preventDefault();
                if (typed.value.trim()) choose(`redis-channel:${typed.value.trim()}`);
              },
            },
            [
              h('label', { for: 'live-tail-channel' }, 'or a channel'),
              h('input', { id: 'live-tail-channel', value: typed.value, placeholder: 'orders', onInput: (e: Event) => (typed.value = (e.target as HTMLInputElement).value) }),
              h('button', { type: 'submit', class: 'live-button' }, 'Tail'),
            ],
          ),
        ]),
        h(
          'ol',
          { class: 'live-tail-list', 'aria-live': 'polite', 'data-tail': current ?? '', tabindex: 0, 'aria-label': 'What arrived, newest first' },
          live.tail.value.length === 0
            ? [h('li', { class: 'live-empty' }, current ? 'Nothing has arrived yet.' : 'Pick a channel, stream or topic to see each message as it arrives.')]
            : [...live.tail.value].reverse().slice(0, 50).map((item) => h('li', [h('time', new Date(item.at).toLocaleTimeString()), ' ', tailLine(item)])),
        ),
      ]);
    };
  },
});

export const BrokerLive = defineComponent({
  name: 'BrokerLive',
  setup() {
    const live = liveState();
    const selection = ref<Selection>({});
    const available = ref(false);
    onMounted(() => {
      available.value = liveToken() !== undefined;
      const read = readSelection(window.location.search);
      selection.value = read.selection;
      if (read.tail) setTail(read.tail);
      acquireLive();
    });
    onUnmounted(() => {
      releaseLive();
      // The tail this page chose (or its link's ?stream=) is not the next page's.
      setTail(undefined);
    });
    const snapshot = computed(() => live.snapshot.value);
    return (): VNode => {
      const current = snapshot.value;
      const history = live.history.value;
      const kafka = current?.kafka;
      const redis = current?.redis;
      return h('div', { class: 'broker-live', 'data-live-page': 'broker' }, [
        statusLine(live),
        available.value && current
          ? h('div', { class: 'live-columns' }, [
              h('section', { class: 'live-column', 'aria-labelledby': 'live-kafka-title' }, [
                h('h2', { id: 'live-kafka-title' }, 'Kafka'),
                kafka ? (brokerState(kafka, 'Kafka') ?? (kafka.state === 'ready' ? kafkaPanel(kafka, { history, now: current.at, selectedTopic: selection.value.topic }) : null)) : null,
              ]),
              h('section', { class: 'live-column', 'aria-labelledby': 'live-redis-title' }, [
                h('h2', { id: 'live-redis-title' }, 'Redis'),
                redis ? (brokerState(redis, 'Redis') ?? (redis.state === 'ready' ? redisPanel(redis, { history, selectedStream: selection.value.stream, selectedChannel: selection.value.channel }) : null)) : null,
              ]),
            ])
          : null,
        available.value ? h(TailPanel) : null,
        available.value ? h(LiveConsole) : null,
        available.value && current ? addresses(current) : null,
        available.value && current && current.labs.length
          ? h('p', { class: 'live-meta', 'data-running-labs': current.labs.length }, [
              'Running now: ',
              ...current.labs.flatMap((l, i) => [i ? ', ' : '', h('a', { href: labUrl(l.lab) }, l.lab), ` (${l.broker})`]),
              ' — its page shows its output and can stop it.',
            ])
          : null,
      ]);
    };
  },
});
