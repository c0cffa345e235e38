// Mistake: filters `only` against the registered names without checking them, so a retry with a misspelt name runs nothing and reports success.
// Caught by: names identify handlers: a second handler with the same name for a type is refused, and so is retrying an unknown name
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

export function createRegistry(options: RegistryOptions = {}): HandlerRegistry {
  const { timeoutMs = 5_000 } = options;
  const handlers = new Map<string, Registration[]>();

  function selected(event: DomainEvent, only: readonly string[] | undefined): Registration[] {
    const registrations = handlers.get(event.type) ?? [];
    if (only === undefined) return registrations;
    return registrations.filter((r) => only.includes(r.name));
  }

  return {
    register(type, name, handler) {
      const registrations = handlers.get(type) ?? [];
      if (registrations.some((r) => r.name === name)) {
        throw new Error(`A handler named ${name} is already registered for ${type}: give each handler of a type its own name.`);
      }
      handlers.set(type, [...registrations, { name, handler }]);
    },

    async handle(event, handleOptions = {}) {
      const registrations = selected(event, handleOptions.only);
      // allSettled waits for every handler, whatever the others do; the async wrapper turns a
      // handler that throws before returning a promise into a rejection like any other.
      const outcomes = await Promise.allSettled(
        registrations.map(async ({ name, handler }) => withDeadline(handler(event), timeoutMs, name)),
      );
      const report: HandleReport = { succeeded: [], failed: [] };
      outcomes.forEach((outcome, i) => {
        const name = registrations[i]?.name ?? '?';
        if (outcome.status === 'fulfilled') report.succeeded.push(name);
        else report.failed.push({ handler: name, error: outcome.reason });
      });
      return report;
    },
  };
}

/**
 * Stops waiting for a handler after `ms`. The handler itself keeps running (JavaScript cannot stop
 * it), which is why handlers must be safe to run again: its retry may overlap it.
 */
function withDeadline(work: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler ${name} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
