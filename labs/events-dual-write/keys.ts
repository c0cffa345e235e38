/** The keys the lab and its writer process share. */
export type Mode = 'naive' | 'outbox';

/** An order in the service's database. */
export const orderKey = (namespace: string, orderId: string): string => `${namespace}:order:${orderId}`;
/** The outbox, in the service's database. */
export const outboxKey = (namespace: string): string => `${namespace}:outbox`;
/** The event stream on the broker, which other services read. */
export const brokerStream = (namespace: string): string => `${namespace}:events`;
