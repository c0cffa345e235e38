/**
 * DescribeConfigs (32), AlterConfigs (33) and IncrementalAlterConfigs (44), for topics and brokers.
 * Topic configs go to any broker (KRaft brokers forward to the controller; here they share state);
 * a broker's own configs only to that broker, as the admin client sends them.
 */
import { brokerConfigDef, type DescribedConfig } from '../broker-config.ts';
import type { Handler, RequestContext } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Reader } from '../protocol/reader.ts';
import { CONFIG_TYPE_CODE, ConfigSource, TOPIC_CONFIGS, listItems, topicConfigDef, type ConfigType } from '../topic-config.ts';

const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

interface ResourceError {
  errorCode: ErrorCode;
  message: string;
}

type Entity = { kind: 'topic'; name: string } | { kind: 'broker'; nodeId: number | null };

/** Which entity a resource names, or the error Kafka gives for it. */
function entityOf(context: RequestContext, type: number, name: string): Entity | ResourceError {
  if (type === ResourceType.TOPIC) {
    // A 3.9 broker sends an empty message here.
    if (!context.cluster.topics.has(name)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: '' };
    return { kind: 'topic', name };
  }
  if (type === ResourceType.BROKER) {
    if (name === '') return { kind: 'broker', nodeId: null };
    if (!/^-?\d+$/.test(name)) return { errorCode: ErrorCode.INVALID_REQUEST, message: `Broker id must be an integer, but it is: ${name}` };
    const nodeId = context.broker.nodeId;
    if (Number(name) !== nodeId) {
      return { errorCode: ErrorCode.INVALID_REQUEST, message: `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}` };
    }
    return { kind: 'broker', nodeId };
  }
  if (type === ResourceType.BROKER_LOGGER) {
    return { errorCode: ErrorCode.INVALID_REQUEST, message: 'Broker loggers are not implemented by the embedded broker.' };
  }
  return { errorCode: ErrorCode.INVALID_REQUEST, message: `Unsupported resource type: ${type}` };
}

function describeEntity(context: RequestContext, entity: Entity): DescribedConfig[] {
  if (entity.kind === 'broker') return context.cluster.brokerConfigs.describe(entity.nodeId);
  const config = context.cluster.topics.get(entity.name)!.config;
  return TOPIC_CONFIGS.map((def) => {
    const resolved = config.resolve(def);
    return { name: def.name, readOnly: false, type: def.type, ...resolved };
  });
}

export const handleDescribeConfigs: Handler = (body, context) => {
  const version = context.apiVersion;
  const resources = body.array(7, (r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray(2, (r) => r.string()) }));
  const includeSynonyms = version >= 1 ? body.bool() : false;
  if (version >= 3) body.bool(); // documentation: not kept here, answered as null
  body.end();
  const results = resources.map(({ type, name, keys }) => {
    const entity = entityOf(context, type, name);
    if ('errorCode' in entity) return { type, name, ...entity, configs: [] as DescribedConfig[] };
    const wanted = keys === null ? undefined : new Set(keys);
    const configs = describeEntity(context, entity).filter((c) => !wanted || wanted.has(c.name));
    return { type, name, errorCode: ErrorCode.NONE as ErrorCode, message: null, configs };
  });
  return (w) => {
    w.int32(0);
    w.array(results, (w, result) => {
      w.int16(result.errorCode).nullableString(result.message).int8(result.type).string(result.name);
      w.array(result.configs, (w, c) => {
        w.string(c.name).nullableString(c.value).bool(c.readOnly);
        if (version === 0) w.bool(c.source === ConfigSource.DEFAULT);
        if (version >= 1) w.int8(c.source);
        w.bool(false); // sensitive: none of the configs kept here is
        if (version >= 1) {
          w.array(includeSynonyms ? c.synonyms : [], (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
        }
        if (version >= 3) w.int8(CONFIG_TYPE_CODE[c.type]).nullableString(null);
      });
    });
  };
};

interface Change {
  name: string;
  /** AlterConfigs: always SET (null value: remove); IncrementalAlterConfigs: as sent. */
  operation: number;
  value: string | null;
}

const Operation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export const handleAlterConfigs: Handler = (body, context) =>
  alter(body, context, (r) => {
    const name = r.string();
    const value = r.nullableString();
    return { name, operation: value === null ? Operation.DELETE : Operation.SET, value };
  }, false);

export const handleIncrementalAlterConfigs: Handler = (body, context) =>
  alter(body, context, (r) => ({ name: r.string(), operation: r.int8(), value: r.nullableString() }), true);

function alter(body: Reader, context: RequestContext, readChange: (r: Reader) => Change, incremental: boolean): ReturnType<Handler> {
  const resources = body.array(7, (r) => ({ type: r.int8(), name: r.string(), changes: r.array(4, readChange) }));
  const validateOnly = body.bool();
  body.end();
  const results = resources.map(({ type, name, changes }) => {
    const outcome = alterOne(context, type, name, changes, incremental, validateOnly);
    return { type, name, errorCode: outcome?.errorCode ?? ErrorCode.NONE, message: outcome?.message ?? null };
  });
  return (w) => {
    w.int32(0);
    w.array(results, (w, r) => w.int16(r.errorCode).nullableString(r.message).int8(r.type).string(r.name));
  };
}

function alterOne(context: RequestContext, type: number, name: string, changes: Change[], incremental: boolean, validateOnly: boolean): ResourceError | undefined {
  const entity = entityOf(context, type, name);
  if ('errorCode' in entity) return entity;
  const names = changes.map((c) => c.name);
  if (new Set(names).size !== names.length) return { errorCode: ErrorCode.INVALID_CONFIG, message: 'Error due to duplicate config keys' };
  const { cluster } = context;
  // AlterConfigs replaces every override of the resource; IncrementalAlterConfigs edits them.
  const current = incremental ? currentOverrides(context, entity) : new Map<string, string>();
  const next = new Map(current);
  for (const change of changes) {
    const typeAndDefault = describeType(entity, change.name);
    if (!typeAndDefault) {
      if (entity.kind === 'topic') return { errorCode: ErrorCode.INVALID_CONFIG, message: `Unknown topic config name: ${change.name}` };
      return { errorCode: ErrorCode.INVALID_REQUEST, message: `Cannot update these configs dynamically: Set(${change.name})` };
    }
    if (change.operation === Operation.SET) {
      if (change.value === null) return { errorCode: ErrorCode.INVALID_REQUEST, message: `Null value not supported for : ${change.name}` };
      next.set(change.name, change.value);
    } else if (change.operation === Operation.DELETE) {
      next.delete(change.name);
    } else if (change.operation === Operation.APPEND || change.operation === Operation.SUBTRACT) {
      const verb = change.operation === Operation.APPEND ? 'append' : 'subtract';
      if (typeAndDefault.type !== 'LIST') return { errorCode: ErrorCode.INVALID_CONFIG, message: `Config value ${verb} is not allowed for config key: ${change.name}` };
      const items = listItems(next.get(change.name) ?? typeAndDefault.defaultValue ?? '');
      const given = listItems(change.value ?? '');
      const updated = change.operation === Operation.APPEND ? [...items, ...given.filter((g) => !items.includes(g))] : items.filter((i) => !given.includes(i));
      next.set(change.name, updated.join(','));
    } else {
      return { errorCode: ErrorCode.INVALID_REQUEST, message: `Unknown alter config operation ${change.operation} for ${change.name}` };
    }
  }
  if (entity.kind === 'topic') {
    const outcome = cluster.setTopicConfig(entity.name, next, validateOnly);
    return outcome.errorCode === ErrorCode.NONE ? undefined : { errorCode: outcome.errorCode, message: outcome.message ?? '' };
  }
  for (const [key, value] of next) {
    if (current.get(key) === value) continue;
    const problem = cluster.brokerConfigs.problem(key, value);
    if (problem) return { errorCode: problem.startsWith('Invalid value') ? ErrorCode.INVALID_CONFIG : ErrorCode.INVALID_REQUEST, message: problem };
  }
  if (!validateOnly) cluster.brokerConfigs.replace(entity.nodeId, next);
  return undefined;
}

function currentOverrides(context: RequestContext, entity: Entity): Map<string, string> {
  if (entity.kind === 'topic') return new Map(context.cluster.topics.get(entity.name)!.config.overrides);
  return new Map(context.cluster.brokerConfigs.dynamic(entity.nodeId));
}

function describeType(entity: Entity, name: string): { type: ConfigType; defaultValue: string | null } | undefined {
  if (entity.kind === 'topic') return topicConfigDef(name);
  return brokerConfigDef(name);
}
