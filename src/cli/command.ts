// The shape of one CLI command: its option table, input validation (before any connection) and its run step.
import type { Config } from '../config/config.js';
import type { Logger } from '../lib/logger.js';
import type { Principal } from '../services/auth/auth-service.js';
import type { Services } from '../services/container.js';
import type { OptionTable, ParsedArgs } from './args.js';

/** What a command produced: one JSON document for `--json`, or text for people. */
export interface CommandOutput {
  json: unknown;
  text: string;
  /** Remarks for people (stderr), e.g. a reminder; never part of the JSON document. */
  notes?: string[];
  /** Set when the command ran but what it reports is a failure (a refused connection test); default 0. */
  exitCode?: number;
}

/** What a run step has besides the services: their config, the CLI's logger, and who acts. */
export interface RunContext {
  config: Config;
  logger: Logger;
  /**
   * Who the command acts as (`cliPrincipal`): reads and changes go through `services.control` as this actor, so
   * the CLI obeys the control plane's rules and its changes are audited under its name.
   */
  actor: Principal;
}

/** Runs against live services; returned by `prepare` once the input is known to be well-formed. */
export type Runner = (services: Services, context: RunContext) => Promise<CommandOutput>;

export interface Command {
  group: string;
  action: string;
  summary: string;
  /** Names of the positional arguments, in order; all required. */
  positionals: readonly string[];
  /** The last positional takes one or more values (`groups add <id> <accountId>...`). */
  variadic?: boolean;
  options: OptionTable;
  /** Validates and converts the arguments (throwing UsageError), so bad input never opens Redis. */
  prepare(args: ParsedArgs): Runner;
}

export function topicOf(command: Pick<Command, 'group' | 'action'>): string {
  return `${command.group} ${command.action}`;
}
