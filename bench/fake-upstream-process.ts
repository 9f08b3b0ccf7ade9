// Child process for the bench: runs the fake upstream on its own CPU budget and prints its URL as one JSON line.
import { startFakeUpstream } from '../test/support/fake-upstream/index.js';

const RESET_EVERY_MS = 2000;

async function main(): Promise<void> {
  const fake = await startFakeUpstream();
  // The fake records every request (~3 KB each); at thousands of requests a second that is a leak without this.
  const resetTimer = setInterval(() => fake.reset(), RESET_EVERY_MS);

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
