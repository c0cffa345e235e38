/**
 * The console on /broker/: a Redis command line like redis-cli (the server reads quotes and prints
 * replies the same way; ↑/↓ for history), and for Kafka a produce form and a "consume in a group"
 * panel whose consumer is a real group member (so the live view above shows it and its
 * partitions). The server refuses what is dangerous and says why; that line is shown as is.
 */
import { defineComponent, h, onMounted, ref, type VNode } from 'vue';
import {
  LIVE_PATHS,
  type KafkaConsumerStartReply,
  type KafkaConsumerStartRequest,
  type KafkaConsumersReply,
  type KafkaProduceReply,
  type KafkaProduceRequest,
  type RedisCommandReply,
  type RedisCommandRequest,
  type KafkaTopicCreateReply,
  type KafkaTopicCreateRequest,
} from '../../../../src/live/protocol.ts';
import { getLive, liveState, postLive } from '../live.ts';

const HISTORY_KEY = 'workbook-live-redis-history';
const HISTORY_LIMIT = 100;

interface Exchange {
  command: string;
  output: string;
  refused: boolean;
}

function loadHistory(): string[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.filter((l): l is string => typeof l === 'string').slice(-HISTORY_LIMIT) : [];
  } catch {
    return [];
  }
}

export const RedisConsole = defineComponent({
  name: 'RedisConsole',
  setup() {
    const line = ref('');
    const exchanges = ref<Exchange[]>([]);
    const busy = ref(false);
    let history: string[] = [];
    let cursor = -1;

    const run = async (): Promise<void> => {
      const command = line.value.trim();
      if (!command || busy.value) return;
      if (history.length === 0) history = loadHistory();
      history = [...history.filter((h) => h !== command), command].slice(-HISTORY_LIMIT);
      cursor = -1;
      try {
        localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
      } catch {
        // Private windows may refuse storage: the history then lasts as long as the page.
      }
      busy.value = true;
      // The line as typed: the server reads it as redis-cli does (src/live/redis-command-line.ts).
      const request: RedisCommandRequest = { line: command };
      const result = await postLive<RedisCommandReply>(LIVE_PATHS.redisCommand, request);
      busy.value = false;
      line.value = '';
      exchanges.value = [...exchanges.value, result.ok ? { command, output: result.value.printed, refused: false } : { command, output: result.refused, refused: true }].slice(-50);
    };

    const browse = (event: KeyboardEvent): void => {
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
      if (history.length === 0) history = loadHistory();
      if (history.length === 0) return;
      event.preventDefault();
      if (event.key === 'ArrowUp') cursor = cursor === -1 ? history.length - 1 : Math.max(0, cursor - 1);
      else cursor = cursor === -1 || cursor === history.length - 1 ? -1 : cursor + 1;
      line.value = cursor === -1 ? '' : (history[cursor] ?? '');
    };

    return (): VNode =>
      h('section', { class: 'live-console is-redis', 'aria-labelledby': 'live-redis-console-title' }, [
        h('h3', { id: 'live-redis-console-title' }, 'Redis command line'),
        h(
          'pre',
          { class: 'live-console-output', 'aria-live': 'polite', tabindex: 0, 'aria-label': 'Redis replies' },
          exchanges.value.length === 0
            ? 'Type a command as in redis-cli, e.g. XADD orders * id 1 — ↑ and ↓ go through the history.'
            : exchanges.value.flatMap((x) => [h('span', { class: 'live-console-command' }, `redis> ${x.command}\n`), h('span', { class: x.refused ? 'live-console-refused' : '' }, `${x.output}\n`)]),
        ),
        h(
          'form',
          {
            class: 'live-form-row',
            onSubmit: (e: Event) => {
              e.preventDefault();
              void run();
            },
          },
          [
            h('label', { for: 'live-redis-line', class: 'live-prompt' }, 'redis>'),
            h('input', {
              id: 'live-redis-line',
              class: 'live-console-input',
              value: line.value,
              autocomplete: 'off',
              spellcheck: false,
              onInput: (e: Event) => (line.value = (e.target as HTMLInputElement).value),
              onKeydown: browse,
            }),
            h('button', { type: 'submit', class: 'live-button', disabled: busy.value }, 'Send'),
          ],
        ),
      ]);
  },
});

function field(id: string, label: string, value: string, set: (v: string) => void, attrs: Record<string, unknown> = {}): VNode[] {
  return [h('label', { for: id }, label), h('input', { id, value, onInput: (e: Event) => set((e.target as HTMLInputElement).value), ...attrs })];
}

export const KafkaConsole = defineComponent({
  name: 'KafkaConsole',
  setup() {
    const live = liveState();
    const topic = ref('');
    const key = ref('');
    const value = ref('');
    const partition = ref('');
    const produced = ref<string[]>([]);
    const consumeTopic = ref('');
    const group = ref('');
    const fromBeginning = ref(true);
    const consumers = ref<Array<{ consumerId: string; topic: string; group: string; stopped: boolean }>>([]);
    const message = ref('');
    const newTopic = ref('');
    const newPartitions = ref('4');
    const topicMessage = ref('');

    // Consumers started from another tab, or before a reload, are still members: list them so they can be stopped.
    onMounted(async () => {
      const running = await getLive<KafkaConsumersReply>(LIVE_PATHS.kafkaConsumers);
      if (!running.ok) return;
      const known = new Set(consumers.value.map((c) => c.consumerId));
      consumers.value = [...consumers.value, ...running.value.consumers.filter((c) => !known.has(c.consumerId)).map((c) => ({ ...c, stopped: false }))];
    });

    const createTopic = async (): Promise<void> => {
      const partitions = Number(newPartitions.value);
      if (!newTopic.value.trim() || !Number.isInteger(partitions) || partitions < 1) {
        topicMessage.value = 'Name the topic and give it a whole number of partitions, at least 1.';
        return;
      }
      const request: KafkaTopicCreateRequest = { topic: newTopic.value.trim(), partitions };
      const result = await postLive<KafkaTopicCreateReply>(LIVE_PATHS.kafkaTopics, request);
      topicMessage.value = result.ok ? `Created ${result.value.topic} with ${result.value.partitions} partition${result.value.partitions === 1 ? '' : 's'}.` : result.refused;
    };

    const deleteTopic = async (): Promise<void> => {
      const name = newTopic.value.trim();
      if (!name) {
        topicMessage.value = 'Name the topic to delete.';
        return;
      }
      // The server refuses, with its reason, a topic on KAFKA_BROKERS that this console did not create.
      const result = await postLive<undefined>(LIVE_PATHS.kafkaTopicDelete(name));
      topicMessage.value = result.ok ? `Deleted ${name}.` : result.refused;
    };

    const produce = async (): Promise<void> => {
      const request: KafkaProduceRequest = { topic: topic.value.trim(), value: value.value };
      if (!request.topic) {
        produced.value = [...produced.value, 'Name a topic to produce to.'];
        return;
      }
      if (key.value) request.key = key.value;
      if (partition.value.trim() !== '') {
        const p = Number(partition.value);
        if (!Number.isInteger(p) || p < 0) {
          produced.value = [...produced.value, `Partition must be a whole number from 0 (or empty to let the key choose): "${partition.value}".`];
          return;
        }
        request.partition = p;
      }
      const result = await postLive<KafkaProduceReply>(LIVE_PATHS.kafkaProduce, request);
      produced.value = [...produced.value, result.ok ? `→ ${result.value.topic}/${result.value.partition} at offset ${result.value.offset}` : result.refused].slice(-20);
    };

    const consume = async (): Promise<void> => {
      const request: KafkaConsumerStartRequest = { topic: consumeTopic.value.trim(), group: group.value.trim(), fromBeginning: fromBeginning.value };
      if (!request.topic || !request.group) {
        message.value = 'Name both the topic and the group to consume in.';
        return;
      }
      const result = await postLive<KafkaConsumerStartReply>(LIVE_PATHS.kafkaConsumers, request);
      if (!result.ok) {
        message.value = result.refused;
        return;
      }
      message.value = `Consumer ${result.value.consumerId} joined ${request.group}: watch the group above.`;
      consumers.value = [...consumers.value, { consumerId: result.value.consumerId, topic: request.topic, group: request.group, stopped: false }];
    };

    const stop = async (consumerId: string): Promise<void> => {
      const result = await postLive<undefined>(LIVE_PATHS.kafkaConsumerStop(consumerId));
      message.value = result.ok ? `Consumer ${consumerId} left its group.` : result.refused;
      if (result.ok) consumers.value = consumers.value.map((c) => (c.consumerId === consumerId ? { ...c, stopped: true } : c));
    };

    return (): VNode =>
      h('section', { class: 'live-console is-kafka', 'aria-labelledby': 'live-kafka-console-title' }, [
        h('h3', 'Kafka: create or delete a topic'),
        h(
          'form',
          {
            class: 'live-form-grid',
            onSubmit: (e: Event) => {
              e.preventDefault();
              void createTopic();
            },
          },
          [
            ...field('live-topic-name', 'Topic', newTopic.value, (v) => (newTopic.value = v), { required: true, autocomplete: 'off' }),
            ...field('live-topic-partitions', 'Partitions', newPartitions.value, (v) => (newPartitions.value = v), { inputmode: 'numeric', autocomplete: 'off' }),
            h('div', { class: 'live-form-actions' }, [
              h('button', { type: 'submit', class: 'live-button' }, 'Create'),
              h('button', { type: 'button', class: 'live-button', onClick: () => void deleteTopic() }, 'Delete'),
            ]),
          ],
        ),
        topicMessage.value ? h('p', { class: 'live-meta', role: 'status' }, topicMessage.value) : null,
        h('h3', { id: 'live-kafka-console-title' }, 'Kafka: produce'),
        h(
          'form',
          {
            class: 'live-form-grid',
            onSubmit: (e: Event) => {
              e.preventDefault();
              void produce();
            },
          },
          [
            ...field('live-produce-topic', 'Topic', topic.value, (v) => (topic.value = v), { required: true, autocomplete: 'off' }),
            ...field('live-produce-key', 'Key (optional)', key.value, (v) => (key.value = v), { autocomplete: 'off' }),
            ...field('live-produce-value', 'Value', value.value, (v) => (value.value = v), { autocomplete: 'off' }),
            ...field('live-produce-partition', 'Partition (optional)', partition.value, (v) => (partition.value = v), { inputmode: 'numeric', autocomplete: 'off' }),
            h('button', { type: 'submit', class: 'live-button' }, 'Produce'),
          ],
        ),
        h('ul', { class: 'live-console-log', 'aria-live': 'polite', tabindex: 0, 'aria-label': 'Records produced' }, produced.value.map((p) => h('li', p))),
        h('h3', 'Kafka: consume in a group'),
        h(
          'form',
          {
            class: 'live-form-grid',
            onSubmit: (e: Event) => {
              e.preventDefault();
              void consume();
            },
          },
          [
            ...field('live-consume-topic', 'Topic', consumeTopic.value, (v) => (consumeTopic.value = v), { required: true, autocomplete: 'off' }),
            ...field('live-consume-group', 'Group', group.value, (v) => (group.value = v), { required: true, autocomplete: 'off' }),
            h('label', { class: 'live-check' }, [
              h('input', { type: 'checkbox', checked: fromBeginning.value, onChange: (e: Event) => (fromBeginning.value = (e.target as HTMLInputElement).checked) }),
              ' from the beginning (when the group has no committed offset)',
            ]),
            h('button', { type: 'submit', class: 'live-button' }, 'Join the group'),
          ],
        ),
        message.value ? h('p', { class: 'live-meta', role: 'status' }, message.value) : null,
        ...consumers.value.map((c) => {
          const records = live.records.value.filter((r) => r.consumerId === c.consumerId).slice(-30);
          const ended = live.consumerEnds.value[c.consumerId];
          const stopped = c.stopped || ended !== undefined;
          return h('div', { class: 'live-consumer', 'data-consumer-id': c.consumerId }, [
            h('div', { class: 'live-form-row' }, [
              h('strong', `${c.group} ← ${c.topic}`),
              h('span', { class: 'live-meta' }, ended !== undefined ? `ended: ${ended}` : c.stopped ? 'stopped' : `${records.length} record${records.length === 1 ? '' : 's'} shown`),
              stopped ? null : h('button', { type: 'button', class: 'live-button', onClick: () => void stop(c.consumerId) }, 'Leave the group'),
            ]),
            h(
              'ol',
              { class: 'live-tail-list', tabindex: 0, 'aria-label': `Records of ${c.group}` },
              records.map((r) => h('li', `${r.record.topic}/${r.record.partition}@${r.record.offset} ${r.record.key ?? '∅'} → ${r.record.value ?? '∅'}`)),
            ),
          ]);
        }),
      ]);
  },
});

export const LiveConsole = defineComponent({
  name: 'LiveConsole',
  setup() {
    return (): VNode =>
      h('section', { class: 'live-consoles', 'aria-labelledby': 'live-console-title' }, [
        h('h2', { id: 'live-console-title' }, 'Console'),
        h('p', { class: 'live-meta' }, "Commands go to the workbook's brokers, the ones the live view shows."),
        h('div', { class: 'live-columns' }, [h(RedisConsole), h(KafkaConsole)]),
      ]);
  },
});
