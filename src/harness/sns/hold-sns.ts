// Starts an embedded moto server, prints its endpoint and pid, and waits to be killed (see ../sns.test.ts).
import { startSns } from '../sns.ts';

const sns = await startSns();
process.stdout.write(`ready ${sns.endpoint} ${sns.pid ?? ''}\n`);
setInterval(() => {}, 60_000);
