/** The learner session's brokers (src/learn/brokers.ts) as the live view sees them. */
import type { SessionBrokers } from '../learn/brokers.ts';
import type { LiveBrokers } from './routes.ts';

export function liveBrokersOf(session: SessionBrokers): LiveBrokers {
  return {
    ensure: (broker) => session.ensure(broker),
    redis: () => {
      const endpoint = session.endpoint('redis');
      return endpoint && { url: endpoint.address, embedded: endpoint.embedded };
    },
    kafka: () => {
      const endpoint = session.endpoint('kafka');
      return endpoint && { brokers: endpoint.address.split(','), embedded: endpoint.embedded, inspector: endpoint.kafkaInspector };
    },
    env: () => session.env(),
  };
}
