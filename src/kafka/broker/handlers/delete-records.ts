import type { Handler } from '../context.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import { ledHere } from './routing.ts';

/** DeleteRecords (admin.deleteTopicRecords): moves a partition's log start forward, at its leader. */
export const handleDeleteRecords: Handler = (body, context) => {
  const topics = body.array(6, (r) => ({
    name: r.string(),
    partitions: r.array(12, (r) => ({ partition: r.int32(), offset: r.int64() })),
  }));
  body.int32(); // timeout
  body.end();
  const answers = topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ partition, offset }) => {
      const log = ledHere(context, name, partition);
      if (typeof log === 'number') return { partition, errorCode: log, lowWatermark: -1 };
      return { partition, ...log.deleteBefore(offset) };
    }),
  }));
  return (w) => {
    w.int32(0);
    w.array(answers, (w, topic) => w.string(topic.name).array(topic.partitions, (w, p) => w.int32(p.partition).int64(p.lowWatermark).int16(p.errorCode)));
  };
};
