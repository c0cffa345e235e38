import { describe, expect, test } from 'vitest';
import { optionalChecks } from './optional-checks.ts';

const realKafka = async (env: NodeJS.ProcessEnv) => (await optionalChecks(env)).find((check) => check.name.includes('real Apache Kafka'));

describe('checks npm test can only run where a program no registry brings is installed', () => {
  test('without Java the real-Kafka comparison is named as not run, with the command that enables it', async () => {
    const check = await realKafka({ ...process.env, JAVA_HOME: '/nonexistent', KAFKA_CONFORMANCE_REAL: '' });
    expect(check).toMatchObject({ missing: 'no Java runtime', enable: 'sudo apt-get install openjdk-17-jre-headless maven' });
  });

  test('KAFKA_CONFORMANCE_REAL=0 turns it off, and says how to turn it back on', async () => {
    const check = await realKafka({ ...process.env, KAFKA_CONFORMANCE_REAL: '0' });
    expect(check).toMatchObject({ missing: 'KAFKA_CONFORMANCE_REAL=0 is set', enable: 'unset KAFKA_CONFORMANCE_REAL' });
  });

  test('without kcat the librdkafka comparison is named as not run, with the command that enables it', async () => {
    const kcat = (await optionalChecks({ ...process.env, KCAT: '/nonexistent/kcat' })).find((check) => check.projects.includes('kafka-kcat'));
    expect(kcat).toMatchObject({ missing: 'no `/nonexistent/kcat` on PATH' });
    expect(kcat?.enable).toMatch(/apt-get install kcat/);
  });

  test('the browser check names the project it leaves out and how to enable it', async () => {
    const browser = (await optionalChecks()).find((check) => check.projects.includes('browser'));
    expect(browser?.enable).toMatch(/apt-get install chromium/);
  });
});
