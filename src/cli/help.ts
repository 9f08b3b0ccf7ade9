// Help and usage text, generated from the commands' option tables so it cannot drift from the parser.
import { COMMON_OPTIONS, type OptionSpec } from './args.js';
import { type Command, topicOf } from './command.js';

const PROGRAM = 'npm run cli --';
const WRAP_AT = 90;

function optionUsage(name: string, spec: OptionSpec): string {
  const shown = spec.type === 'string' ? `--${name} ${spec.value ?? '<value>'}` : `--${name}`;
  if (spec.required) return shown;
  return spec.multiple ? `[${shown}]...` : `[${shown}]`;
}

/** The command with its arguments, wrapped so that long option lists stay readable in a terminal. */
export function usageLine(command: Command, indent = '    '): string {
  const parts = [
    topicOf(command),
    ...command.positionals.map((name, index) =>
      command.variadic && index === command.positionals.length - 1 ? `<${name}>...` : `<${name}>`,
    ),
    ...Object.entries(command.options).map(([name, spec]) => optionUsage(name, spec)),
  ];
  const lines = [''];
  for (const part of parts) {
    const current = lines[lines.length - 1] ?? '';
    if (current !== '' && current.length + part.length + 1 > WRAP_AT) lines.push(`${indent}${part}`);
    else lines[lines.length - 1] = current === '' ? part : `${current} ${part}`;
  }
  return lines.join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS });
  const labels = options.map(([name, spec]) =>
    spec.type === 'string' ? `--${name} ${spec.value ?? '<value>'}` : `--${name}`,
  );
  const width = Math.max(...labels.map((label) => label.length));
  return [
    `Usage: ${PROGRAM} ${usageLine(command)}`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...options.map(([, spec], index) => `  ${(labels[index] ?? '').padEnd(width)}  ${spec.description}`),
  ].join('\n');
}

function listing(commands: readonly Command[]): string[] {
  return commands.flatMap((command) => [`  ${usageLine(command, '      ')}`, `      ${command.summary}`]);
}

function overview(commands: readonly Command[]): string {
  return [
    `Usage: ${PROGRAM} <group> <command> [arguments] [--json]`,
    '',
    "Administers the relay by talking to the server's Redis directly, so it needs REDIS_URL (and",
    'REDIS_KEY_PREFIX, DATA_DIR or ENCRYPTION_KEY) set exactly as for the server.',
    '',
    'Commands:',
    ...listing(commands),
    '',
    'Every command takes --json (one JSON document on stdout) and --help.',
    'Exit status: 0 success, 1 failure (e.g. not found, Redis unreachable, a failed connection test),',
    '2 bad usage.',
  ].join('\n');
}

/** Help for a topic: the whole CLI (undefined), a group such as `keys`, or one command. */
export function helpFor(commands: readonly Command[], topic: string | undefined): string {
  const command = commands.find((candidate) => topicOf(candidate) === topic);
  if (command) return commandHelp(command);
  const group = commands.filter((candidate) => candidate.group === topic);
  if (group.length > 0) return [`Usage: ${PROGRAM} ${topic} <command> …`, '', ...listing(group)].join('\n');
  return overview(commands);
}
