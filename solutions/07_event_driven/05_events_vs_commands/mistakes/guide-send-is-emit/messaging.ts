// Mistake: the guide's bus: a command is emitted like an event, so a command nobody handles vanishes, two handlers both act, and the sender never hears a refusal.
// Caught by: a command nobody handles is rejected, naming the command
export interface Message {
  type: string;
  payload: unknown;
}

export type CommandHandler<R> = (command: Message) => Promise<R>;
export type EventSubscriber = (event: Message) => Promise<void>;

export interface SubscriberFailure {
  subscriber: string;
  event: Message;
  error: unknown;
}

export interface MessagingOptions {
  /** Told about every event subscriber that failed; the publisher never is. */
  onSubscriberError: (failure: SubscriberFailure) => void;
}

export interface Messaging {
  /** Makes `owner` the one handler of a command type (ReserveStock, SendWelcomeEmail). */
  handleCommand<R>(type: string, owner: string, handler: CommandHandler<R>): void;
  /** Asks the command's owner to act: resolves to its answer, rejects with its refusal. */
  send<R>(command: Message): Promise<R>;
  /** Adds a subscriber to an event type (OrderCreated, UserRegistered); returns a function that removes it. */
  subscribe(type: string, subscriber: string, handler: EventSubscriber): () => void;
  /** Announces something that happened; resolves once every subscriber has had it. */
  publish(event: Message): Promise<void>;
}

interface Registration {
  name: string;
  handler: (message: Message) => Promise<unknown>;
}

// The guide's event bus, where everything is an event: on() to listen, emit() to send. Its own
// example registers 'email:send' and emits it from a 'user:registered' handler.
export function createMessaging(options: MessagingOptions): Messaging {
  let registrations = new Map<string, Registration[]>();

  function add(type: string, name: string, handler: (message: Message) => Promise<unknown>): () => void {
    const entry: Registration = { name, handler };
    registrations = new Map(registrations).set(type, [...(registrations.get(type) ?? []), entry]);
    return () => {
      registrations = new Map(registrations).set(type, (registrations.get(type) ?? []).filter((r) => r !== entry));
    };
  }

  async function emit(message: Message): Promise<unknown[]> {
    const listeners = registrations.get(message.type) ?? [];
    return Promise.all(
      listeners.map((r) =>
        r.handler(message).catch((error: unknown) => {
          options.onSubscriberError({ subscriber: r.name, event: message, error });
          return undefined;
        }),
      ),
    );
  }

  return {
    handleCommand(type, owner, handler) {
      add(type, owner, handler);
    },
    async send<R>(command: Message) {
      const answers = await emit(command);
      return answers[0] as R;
    },
    subscribe(type, subscriber, handler) {
      return add(type, subscriber, handler);
    },
    async publish(event) {
      await emit(event);
    },
  };
}
