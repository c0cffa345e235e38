import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  /** The group's committed offset, or null when it has committed nothing on this partition. */
  committed: number | null;
  /** The high watermark: the offset the next message appended to this partition will get. */
  end: number;
  /** Messages the group still has to read on this partition. */
  lag: number;
}

/** Where a consumer with no committed offset starts: Kafka's auto.offset.reset / kafkajs's fromBeginning. */
export type ResetPolicy = 'earliest' | 'latest';

export async function consumerLag(admin: Admin, groupId: string, topic: string, reset: ResetPolicy = 'earliest'): Promise<PartitionLag[]> {
  const [ends, groups] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedByPartition = new Map(
    (groups.find((g) => g.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
  );

  return ends
    .map(({ partition, high, low }) => {
      const end = Number(high);
      const offset = committedByPartition.get(partition) ?? -1;
      // Kafka answers -1 for "nothing committed": the consumer will start where its reset policy says.
      if (offset < 0) return { partition, committed: null, end, lag: reset === 'earliest' ? end - Number(low) : 0 };
      // A commit below the log start (retention or DeleteRecords removed those messages) is out of
      // range: the consumer falls back to its reset policy exactly as if nothing were committed.
      if (offset < Number(low)) return { partition, committed: offset, end, lag: reset === 'earliest' ? end - Number(low) : 0 };
      return { partition, committed: offset, end, lag: end - offset };
    })
    .sort((a, b) => a.partition - b.partition);
}
