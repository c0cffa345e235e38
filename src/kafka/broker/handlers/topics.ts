import type { Handler } from '../context.ts';
import { ErrorCode } from '../protocol/error-codes.ts';

/** Accepted by any broker: KRaft brokers forward these to the controller; here they share its state. */
export const handleCreateTopics: Handler = (body, { apiVersion: version, cluster }) => {
  const topics = body.array(16, (r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array(8, (r) => ({ partition: r.int32(), brokerIds: r.int32Array() })),
    configs: r.array(4, (r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  body.int32(); // timeout: creation is immediate
  const validateOnly = version >= 1 ? body.bool() : false;
  body.end();
  const counts = new Map<string, number>();
  for (const { name } of topics) counts.set(name, (counts.get(name) ?? 0) + 1);
  const answers = topics.map((spec) =>
    (counts.get(spec.name) ?? 0) > 1
      ? { name: spec.name, errorCode: ErrorCode.INVALID_REQUEST, message: `Create topics request contains multiple entries for the topic ${spec.name}.` }
      : { name: spec.name, ...cluster.createTopic(spec, validateOnly) },
  );
  return (w) => {
    if (version >= 2) w.int32(0);
    w.array(answers, (w, answer) => {
      w.string(answer.name).int16(answer.errorCode);
      if (version >= 1) w.nullableString(answer.message);
    });
  };
};

export const handleDeleteTopics: Handler = (body, { apiVersion: version, cluster }) => {
  const names = body.stringArray();
  body.int32(); // timeout
  body.end();
  const answers = names.map((name) => ({ name, errorCode: cluster.deleteTopic(name) }));
  return (w) => {
    if (version >= 1) w.int32(0);
    w.array(answers, (w, answer) => w.string(answer.name).int16(answer.errorCode));
  };
};

export const handleCreatePartitions: Handler = (body, { cluster }) => {
  const topics = body.array(10, (r) => ({
    name: r.string(),
    count: r.int32(),
    assignments: r.nullableArray(4, (r) => r.int32Array()),
  }));
  body.int32(); // timeout
  const validateOnly = body.bool();
  body.end();
  const counts = new Map<string, number>();
  for (const { name } of topics) counts.set(name, (counts.get(name) ?? 0) + 1);
  const answers = topics.map(({ name, count, assignments }) =>
    (counts.get(name) ?? 0) > 1
      ? { name, errorCode: ErrorCode.INVALID_REQUEST, message: `Create partitions request contains multiple entries for the topic ${name}.` }
      : { name, ...cluster.addPartitions(name, count, assignments, validateOnly) },
  );
  return (w) => {
    w.int32(0);
    w.array(answers, (w, answer) => w.string(answer.name).int16(answer.errorCode).nullableString(answer.message));
  };
};
