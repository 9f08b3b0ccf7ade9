// Child process for the bench: runs the fake upstream on its own CPU budget and prints its URL as one JSON line.
// With `--chunks N --event-delay-ms M` every answer streams like a real model: N text deltas, M ms apart.
import { parseArgs } from 'node:util';
import { type Scenario, startFakeUpstream } from '../test/support/fake-upstream/index.js';

const RESET_EVERY_MS = 2000;

/** The default answer the flags ask for: the fake's own (fast) one without them. */
function defaultScenario(): Scenario {
  const { values } = parseArgs({
    options: { chunks: { type: 'string' }, 'event-delay-ms': { type: 'string' } },
  });
  if (values.chunks === undefined && values['event-delay-ms'] === undefined) return {};
  const chunks = Number(values.chunks ?? '3');
  const eventDelayMs = Number(values['event-delay-ms'] ?? '0');
  if (!Number.isInteger(chunks) || chunks < 1 || !Number.isInteger(eventDelayMs) || eventDelayMs < 0)
    throw new Error('--chunks must be a whole number >= 1 and --event-delay-ms a whole number >= 0');
  // One word per delta, so the answer's output tokens (its words) equal its deltas.
  const text = Array.from({ length: chunks }, (_, index) => `word${index + 1}`).join(' ');
  return { text, chunks, eventDelayMs };
}

async function main(): Promise<void> {
  const answer = defaultScenario();
  const fake = await startFakeUpstream();
  fake.setDefault(answer);
  // The fake records every request (~3 KB each); at thousands of requests a second that is a leak without this.
  // A reset also forgets the default answer, so it is set again.
  const resetTimer = setInterval(() => {
    fake.reset();
    fake.setDefault(answer);
  }, RESET_EVERY_MS);

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    clearInterval(resetTimer);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // stdin is a pipe from the bench: when the bench dies, even by SIGKILL, the pipe closes and so do we.
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();

  process.stdout.write(`${JSON.stringify({ url: fake.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `fake upstream failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
