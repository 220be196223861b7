/**
 * A legitimate chat user in a process of its own: says "help" every 600 ms until a deadline and
 * prints the round-trip times. The gateway-abuse soak runs it beside its flooders, so that the
 * times measure the gateway, not the event loop of the process that drives 200 flooding sockets.
 *
 *   npx tsx soak/legitimate-chatter.ts <gateway url> <token> <deadline, epoch ms>
 *   → {"samples":[ms, ...]} on stdout
 */
import { ChatClient } from '../services/chat-gateway/test/helpers.js';

const [url, token, deadlineArg] = process.argv.slice(2);
const deadline = Number(deadlineArg);
if (!url || !token || !Number.isFinite(deadline))
  throw new Error('usage: legitimate-chatter.ts <gateway url> <token> <deadline, epoch ms>');

const client = await ChatClient.open({ url }, token);
const samples: number[] = [];
while (Date.now() < deadline) {
  const started = performance.now();
  await client.say('help');
  samples.push(performance.now() - started);
  // Under the gateway's per-socket limit (2 messages/s sustained), as a legitimate client stays.
  await new Promise((r) => setTimeout(r, 600));
}
client.close();
await client.closed;
console.log(JSON.stringify({ samples }));
