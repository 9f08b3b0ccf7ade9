// The shape of one CLI command: its option table, input validation (before any connection) and its run step.
import type { Services } from '../services/container.js';
import type { OptionTable, ParsedArgs } from './args.js';

/** What a command produced: one JSON document for `--json`, or text for people. */
export interface CommandOutput {
  json: unknown;
  text: string;
  /** Remarks for people (stderr), e.g. a reminder; never part of the JSON document. */
  notes?: string[];
}

/** Runs against live services; returned by `prepare` once the input is known to be well-formed. */
export type Runner = (services: Services) => Promise<CommandOutput>;

export interface Command {
  group: string;
  action: string;
  summary: string;
  /** Names of the positional arguments, in order; all required. */
  positionals: readonly string[];
  options: OptionTable;
  /** Validates and converts the arguments (throwing UsageError), so bad input never opens Redis. */
  prepare(args: ParsedArgs): Runner;
}

export function topicOf(command: Pick<Command, 'group' | 'action'>): string {
  return `${command.group} ${command.action}`;
}
