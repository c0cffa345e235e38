// Mistake: the guide's this.emit('eventHandled'): the notification is published over Redis like an event, reaches every process, and being handled itself announces itself again without end.
// Caught by: the bus's notifications stay in this process: one emit puts exactly one message on Redis
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

const HANDLED = 'bus.handled';

export function createEventBus(url: string, options: BusOptions): EventBus {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const handlers = new Map<string, Registration[]>();

  // Removing never mutates a list a dispatch may be walking: it replaces the list with a copy.
  const remove = (type: string, id: string): void => {
    const list = handlers.get(type);
    if (!list) return;
    const rest = list.filter((r) => r.id !== id);
    if (rest.length > 0) handlers.set(type, rest);
    else handlers.delete(type);
  };

  const isRegistered = (type: string, registration: Registration): boolean =>
    handlers.get(type)?.includes(registration) ?? false;

  const bus: EventBus = {
    ready: subscriber.psubscribe(`${options.prefix}:*`).then(() => undefined),

    async emit<T>(type: string, data: T) {
      const event: BusEvent<T> = { id: randomUUID(), type, data, emittedAt: new Date().toISOString() };
      await publisher.publish(`${options.prefix}:${type}`, JSON.stringify(event));
      return event;
    },

    on<T>(type: string, handler: EventHandler<T>, handlerOptions: HandlerOptions<T> = {}) {
      const id = randomUUID();
      // Data arrives as parsed JSON: the handler's type is the caller's promise about its shape.
      const registration: Registration = { id, handler: handler as EventHandler, options: handlerOptions as HandlerOptions };
      // Array.prototype.sort is stable, so equal priorities keep their registration order.
      const list = [...(handlers.get(type) ?? []), registration].sort((a, b) => (b.options.priority ?? 0) - (a.options.priority ?? 0));
      handlers.set(type, list);
      return id;
    },

    once(type, handler, handlerOptions = {}) {
      return bus.on(type, handler, { ...handlerOptions, once: true });
    },

    off(type, handlerId) {
      if (handlerId === undefined) handlers.delete(type);
      else remove(type, handlerId);
    },

    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };

  async function dispatch(event: BusEvent): Promise<void> {
    // The list as it is now: handlers added or removed while this event runs affect the next event.
    for (const registration of handlers.get(event.type) ?? []) {
      // An earlier handler, or another event's dispatch, may have removed it meanwhile.
      if (!isRegistered(event.type, registration)) continue;
      try {
        if (registration.options.filter && !registration.options.filter(event.data)) continue;
        // Removed before it runs, as EventEmitter.once does: a once-handler that throws, or that is
        // still awaiting when the next event arrives, can never run a second time.
        if (registration.options.once) remove(event.type, registration.id);
        await registration.handler(event.data, event);
      } catch (error) {
        options.onHandlerError?.(error, event, registration.id);
        continue;
      }
      // Told directly, in this process: published as an event it would reach every process and,
      // being handled itself, announce itself again forever.
      if (event.type !== HANDLED) await bus.emit(HANDLED, { event, handlerId: registration.id });
    }
  }

  if (options.onHandled) {
    const onHandled = options.onHandled;
    bus.on<{ event: BusEvent; handlerId: string }>(HANDLED, ({ event, handlerId }) => onHandled(event, handlerId));
  }

  subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    let event: BusEvent;
    try {
      event = JSON.parse(message) as BusEvent;
    } catch {
      return; // Not one of ours: someone else published on our prefix.
    }
    void dispatch(event);
  });

  return bus;
}
