/**
 * The chapters, in the order a learner meets them. Tracks, labs, exercises and flashcards name
 * their chapter by `id`; the site turns each into a page under docs/chapters/.
 */
export interface Chapter {
  id: string;
  title: string;
}

export const CHAPTERS = [
  { id: 'fundamentals', title: 'Fundamentals of publish/subscribe' },
  { id: 'redis-pubsub', title: 'Redis Pub/Sub' },
  { id: 'redis-patterns', title: 'Reliable messaging and event buses on Redis' },
  { id: 'redis-streams', title: 'Redis Streams' },
  { id: 'kafka', title: 'Apache Kafka' },
  { id: 'sns', title: 'AWS SNS' },
  { id: 'fan-out', title: 'Fan-out patterns' },
  { id: 'event-driven', title: 'Event-driven architecture' },
  { id: 'scaling', title: 'Scaling and backpressure' },
  { id: 'real-world', title: 'Real-world systems' },
  { id: 'performance', title: 'Performance and conventions' },
  { id: 'pitfalls', title: 'Common pitfalls' },
  { id: 'interview', title: 'Interview preparation and quick reference' },
] as const satisfies readonly Chapter[];

export type ChapterId = (typeof CHAPTERS)[number]['id'];

export const CHAPTER_IDS = CHAPTERS.map((c) => c.id) as [ChapterId, ...ChapterId[]];

export function chapterTitle(id: ChapterId): string {
  return CHAPTERS.find((c) => c.id === id)?.title ?? id;
}
