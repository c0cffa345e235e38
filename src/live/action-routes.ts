/**
 * The routes that act on the learner's brokers (src/live/routes.ts mounts them): the Redis console,
 * the Kafka console and lab runs. The guard has already checked every request; here a refusal is
 * an ActionRefusal turned into the protocol's LiveRefusal, anything else a 500 that says what broke.
 */
import { describeError } from '../harness/errors.ts';
import { ActionRefusal } from './action-refusal.ts';
import { kafkaConsole } from './kafka-console.ts';
import { labRuns } from './lab-runs.ts';
import type { KafkaConsumersReply, LabOutputReply, LabRunReply, RedisCommandReply, RedisCommandRequest } from './protocol.ts';
import { redisConsole } from './redis-console.ts';
import { refuse, type LiveContext, type LiveResponse, type LiveRoute, type LiveRouteModule } from './routes.ts';

/** A handler's result, or its refusal in the protocol's shape. */
async function answer(work: () => Promise<LiveResponse>): Promise<LiveResponse> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ActionRefusal) return refuse(error.status, error.message);
    return refuse(500, `The workbook failed to do that: ${describeError(error)}`);
  }
}

const ok = (body: unknown, status = 200): LiveResponse => ({ status, body });
const done: LiveResponse = { status: 204 };

async function ready<T>(context: LiveContext, broker: 'redis' | 'kafka', endpoint: () => T | undefined): Promise<T> {
  const unavailable = await context.brokers.ensure(broker);
  const found = unavailable ? undefined : endpoint();
  if (!found) throw new ActionRefusal(unavailable ?? `${broker === 'redis' ? 'Redis' : 'Kafka'} is not available in this session.`, 503);
  return found;
}

export const liveActionRoutes: LiveRouteModule = (context) => {
  const redis = redisConsole({ redis: () => ready(context, 'redis', () => context.brokers.redis()) });
  const kafka = kafkaConsole({ kafka: () => ready(context, 'kafka', () => context.brokers.kafka()), publish: (event) => context.publish(event) });
  const labs = labRuns({ brokers: context.brokers, publish: (event) => context.publish(event), labs: context.labs });
  context.onClose(async () => {
    redis.close();
    await Promise.allSettled([kafka.close(), labs.close()]);
  });

  const routes: LiveRoute[] = [
    {
      method: 'POST',
      path: '/redis/command',
      handle: ({ body }) =>
        answer(async () => {
          const request = (body ?? {}) as RedisCommandRequest;
          if (request.args !== undefined && !(Array.isArray(request.args) && request.args.every((a) => typeof a === 'string'))) {
            throw new ActionRefusal('args is a list of strings, e.g. ["GET", "key"].', 400);
          }
          if (request.args === undefined && typeof request.line !== 'string') throw new ActionRefusal('Send the command as { "line": "GET key" } or { "args": ["GET", "key"] }.', 400);
          const reply: RedisCommandReply = await redis.run(request);
          return ok(reply);
        }),
    },
    { method: 'POST', path: '/kafka/produce', handle: ({ body }) => answer(async () => ok(await kafka.produce(body))) },
    { method: 'POST', path: '/kafka/consumers', handle: ({ body }) => answer(async () => ok(await kafka.startConsumer(body))) },
    {
      method: 'GET',
      path: '/kafka/consumers',
      handle: () => {
        const reply: KafkaConsumersReply = { consumers: kafka.consumers() };
        return ok(reply);
      },
    },
    {
      method: 'POST',
      path: /^\/kafka\/consumers\/([^/]+)\/stop$/,
      handle: ({ params }) =>
        answer(async () => {
          if (!(await kafka.stopConsumer(params[0] ?? ''))) throw new ActionRefusal(`No console consumer "${params[0]}" is running (it may have stopped already).`, 404);
          return done;
        }),
    },
    { method: 'POST', path: '/kafka/topics', handle: ({ body }) => answer(async () => ok(await kafka.createTopic(body), 201)) },
    {
      method: 'POST',
      path: /^\/kafka\/topics\/([^/]+)\/delete$/,
      handle: ({ params }) =>
        answer(async () => {
          await kafka.deleteTopic(params[0] ?? '');
          return done;
        }),
    },
    {
      method: 'POST',
      path: /^\/labs\/runs\/([^/]+)\/stop$/,
      handle: ({ params }) =>
        answer(async () => {
          if (!(await labs.stop(params[0] ?? ''))) throw new ActionRefusal(`No lab run "${params[0]}" is running (it may have finished already).`, 404);
          return done;
        }),
    },
    {
      method: 'GET',
      path: /^\/labs\/runs\/([^/]+)\/output$/,
      handle: ({ params }) => {
        const lines = labs.output(params[0] ?? '');
        if (!lines) return refuse(404, `No lab run "${params[0]}" is known (only the last few are kept).`);
        const reply: LabOutputReply = { lines };
        return ok(reply);
      },
    },
    {
      method: 'POST',
      path: /^\/labs\/([^/]+)\/run$/,
      handle: ({ params }) =>
        answer(async () => {
          const reply: LabRunReply = await labs.start(params[0] ?? '');
          return ok(reply);
        }),
    },
  ];
  return routes;
};
