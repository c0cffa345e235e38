// Mistake: lets a second handler for a command replace the first without a word, so two services each believe they own SendWelcomeEmail.
// Caught by: a second handler for a command is refused when it registers
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

interface CommandOwner {
  owner: string;
  handler: CommandHandler<unknown>;
}

interface Subscription {
  name: string;
  handler: EventSubscriber;
}

export function createMessaging(options: MessagingOptions): Messaging {
  // Two registries, because the two kinds of message promise different things: a command has
  // exactly one owner who may refuse it; an event has any number of subscribers, none of whom can
  // undo it.
  const commands = new Map<string, CommandOwner>();
  let subscriptions = new Map<string, Subscription[]>();

  function refuseIfCommand(type: string, what: string): void {
    const owner = commands.get(type)?.owner;
    if (owner) throw new Error(`${type} is a command, handled by ${owner}: ${what}`);
  }

  return {
    handleCommand<R>(type: string, owner: string, handler: CommandHandler<R>) {
      const current = commands.get(type);
      if (current) console.warn(`${type}: ${owner} replaces ${current.owner}`);
      if ((subscriptions.get(type) ?? []).length > 0) {
        throw new Error(`${type} is an event with subscribers: give the command a type of its own, named as an order (DoSomething).`);
      }
      commands.set(type, { owner, handler });
    },

    async send<R>(command: Message): Promise<R> {
      const target = commands.get(command.type);
      if (!target) {
        throw new Error(`No one handles the command ${command.type}: register its handler with handleCommand() before sending it.`);
      }
      // The owner's answer, or its refusal, goes back to the sender: that is what a command is for.
      return (await target.handler(command)) as R;
    },

    subscribe(type, subscriber, handler) {
      refuseIfCommand(type, 'only its owner receives it; subscribe to the event its owner publishes when it is done.');
      const entry: Subscription = { name: subscriber, handler };
      subscriptions = new Map(subscriptions).set(type, [...(subscriptions.get(type) ?? []), entry]);
      return () => {
        subscriptions = new Map(subscriptions).set(type, (subscriptions.get(type) ?? []).filter((s) => s !== entry));
      };
    },

    async publish(event) {
      refuseIfCommand(event.type, 'send() it to its owner instead of publishing it.');
      // A fact stays a fact whatever its subscribers make of it: their failures are theirs to
      // report, never the publisher's to handle. No subscriber at all is fine too.
      const subscribers = subscriptions.get(event.type) ?? [];
      await Promise.all(
        subscribers.map(async ({ name, handler }) => {
          try {
            await handler(event);
          } catch (error) {
            options.onSubscriberError({ subscriber: name, event, error });
          }
        }),
      );
    },
  };
}
