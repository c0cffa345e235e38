// Mistake: the guide's registry: Promise.all rejects at the first failure, before the other handlers are done, and the caller's retry runs every handler again.
// Caught by: a failing handler does not fail the others: handle() resolves with a report naming it
// Caught by: handle() settles only when every handler is done, also after one failed early
export interface DomainEvent {
  eventId: string;
  type: string;
  payload: unknown;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface HandlerFailure {
  handler: string;
  error: unknown;
}

export interface HandleReport {
  /** The handlers that finished, in the order they were registered. */
  succeeded: string[];
  /** The handlers that threw, rejected or ran out of time, in the order they were registered. */
  failed: HandlerFailure[];
}

export interface HandleOptions {
  /** Run only these handlers (by name): a retry of the ones that failed. */
  only?: readonly string[];
}

export interface RegistryOptions {
  /** How long a handler may take before it counts as failed (default 5000 ms). */
  timeoutMs?: number;
}

export interface HandlerRegistry {
  /** Registers a named handler for one event type; names are unique per type. */
  register(type: string, name: string, handler: EventHandler): void;
  /** Runs the event's handlers and resolves, once every one of them is done, with what happened. */
  handle(event: DomainEvent, options?: HandleOptions): Promise<HandleReport>;
}

interface Registration {
  name: string;
  handler: EventHandler;
}

// The guide's EventHandlerRegistry, in our words.
export function createRegistry(options: RegistryOptions = {}): HandlerRegistry {
  void options;
  const handlers = new Map<string, Registration[]>();

  return {
    register(type, name, handler) {
      handlers.set(type, [...(handlers.get(type) ?? []), { name, handler }]);
    },

    async handle(event, handleOptions = {}) {
      void handleOptions;
      const registrations = handlers.get(event.type) ?? [];
      await Promise.all(
        registrations.map(({ handler }) =>
          handler(event).catch((error: unknown) => {
            console.error(`Handler error for ${event.type}:`, error);
            throw error;
          }),
        ),
      );
      return { succeeded: registrations.map((r) => r.name), failed: [] };
    },
  };
}
