// The life of a bench entry point (`npm run bench`, `npm run bench:streams`): everything it starts is registered
// here and stopped in reverse order when it ends, fails, crashes or is interrupted (Ctrl-C, SIGTERM).
const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let cleaning: Promise<void> | undefined;

/** Registers what stops something the bench started; the last registered stops first. */
export function onCleanup(name: string, run: () => Promise<void>): void {
  cleanups.push({ name, run });
}

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.splice(0).reverse()) {
      try {
        await run();
      } catch (error) {
        process.stderr.write(`cleanup of ${name} failed: ${String(error)}\n`);
      }
    }
  })();
  return cleaning;
}

/** Runs `main`, then cleans up and exits: 0, or `process.exitCode` when main set it; 1 on an error. */
export function runBench(main: () => Promise<void>): void {
  process.on('uncaughtException', (error) => {
    process.stderr.write(`bench crashed: ${error.stack ?? error.message}\n`);
    cleanUp().finally(() => process.exit(1));
  });
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping child processes…\n`);
      cleanUp().finally(() => process.exit(130));
    });
  }
  main()
    .then(cleanUp)
    .then(
      () => process.exit(process.exitCode ?? 0),
      async (error: unknown) => {
        process.stderr.write(
          `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        await cleanUp();
        process.exit(1);
      },
    );
}
