// Admin CLI entry point: dispatches `<group> <command>`; exit 0 success, 1 failure, 2 bad usage.
import { ConfigError, loadConfig, readEnvironment } from '../config/config.js';
import { isAppError } from '../errors/app-error.js';
import { checkShape, flag, parseCommandArgs, UsageError } from './args.js';
import { cliPrincipal } from './cli-principal.js';
import { topicOf } from './command.js';
import { COMMANDS } from './commands/index.js';
import { helpFor, usageLine } from './help.js';
import { CliError, createCliLogger, openServices } from './open-services.js';
import { formatJson, writeError, writeText } from './output.js';
import { relayKeyRedactor } from './relay-key-argument.js';

const HELP_WORDS = new Set(['help', '--help', '-h']);

/** The relay key prefix as configured; the default when the configuration is broken (reported separately). */
function configuredKeyPrefix(): string {
  try {
    return loadConfig(readEnvironment()).apiKeys.prefix;
  } catch {
    return 'cr_';
  }
}

const commandLine = process.argv.slice(2);
// Nothing the CLI prints repeats a relay key given as an argument, whatever the message that quotes it.
const redact = relayKeyRedactor(commandLine, configuredKeyPrefix());
const say = (text: string) => writeText(redact(text));
const complain = (text: string) => writeError(redact(text));

async function run(argv: readonly string[]): Promise<number> {
  const [groupName, actionName, ...rest] = argv;
  if (groupName === undefined || HELP_WORDS.has(groupName)) {
    writeText(helpFor(COMMANDS, argv.slice(1).join(' ') || undefined));
    return 0;
  }
  const group = COMMANDS.filter((command) => command.group === groupName);
  if (group.length === 0) throw new UsageError(`unknown command "${groupName}"`);
  if (actionName !== undefined && HELP_WORDS.has(actionName)) {
    writeText(helpFor(COMMANDS, groupName));
    return 0;
  }
  if (actionName === undefined) throw new UsageError(`"${groupName}" needs a command`, groupName);
  const command = group.find((candidate) => candidate.action === actionName);
  if (!command) throw new UsageError(`unknown command "${groupName} ${actionName}"`, groupName);

  const topic = topicOf(command);
  const args = parseCommandArgs(rest, command.options, topic);
  if (flag(args, 'help')) {
    writeText(helpFor(COMMANDS, topic));
    return 0;
  }
  checkShape(args, command.options, command.positionals, topic, command.variadic);
  const runner = command.prepare(args);

  const config = loadConfig(readEnvironment());
  const logger = createCliLogger(config);
  const services = await openServices(config, logger);
  try {
    const output = await runner(services, { config, logger, actor: cliPrincipal() });
    for (const note of output.notes ?? []) complain(note);
    say(flag(args, 'json') ? formatJson(output.json) : output.text);
    return output.exitCode ?? 0;
  } finally {
    // Closes every Redis connection, which is what lets the process exit on its own.
    await services.stop();
  }
}

function usageFor(topic: string | undefined): string {
  const command = COMMANDS.find((candidate) => topicOf(candidate) === topic);
  if (!command) return helpFor(COMMANDS, topic);
  return `Usage: npm run cli -- ${usageLine(command)}\nMore: npm run cli -- ${topic} --help`;
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    complain(`error: ${error.message}\n\n${usageFor(error.topic)}`);
    return 2;
  }
  if (isAppError(error) || error instanceof CliError) {
    complain(`error: ${error.message}`);
    return 1;
  }
  if (error instanceof ConfigError) {
    complain(error.message);
    return 1;
  }
  complain(`error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

const code = await run(commandLine).catch(report);
process.exitCode = code;
// Everything is closed by now; should a stray handle remain, it must not keep an admin command hanging.
setTimeout(() => process.exit(code), 2000).unref();
