// Loads `scripts/<name>-<numKeys>.lua`, checks each documented header and defines it under a versioned name.
// `<name>-n.lua` takes as many keys as its caller declares: a script whose keys depend on the call (the spend
// counters of the requests it admits, the accounts of a pool) still names every key it touches in KEYS, which a
// Redis Cluster checks before the script starts (includes/declared-keys.lua).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './connection.js';
import { mapScriptError } from './script-errors.js';

export interface ScriptSpec {
  /** File name without the key count, e.g. `lock-release`. */
  readonly name: string;
  /** Undefined for a script taking any number of keys. */
  readonly numberOfKeys: number | undefined;
  /**
   * Name the command is defined under. The content hash makes two versions of a script deployed side by side
   * (during a rolling upgrade) distinct commands rather than one silently replacing the other.
   */
  readonly commandName: string;
  readonly lua: string;
}

export const SCRIPTS_DIR = new URL('./scripts/', import.meta.url);
const FILE_PATTERN = /^([a-z][a-z0-9-]*[a-z0-9])-(\d+|n)\.lua$/;
/** `-- @include <name>` inlines `includes/<name>.lua`, so logic several scripts need is written once. */
const INCLUDE_PATTERN = /^-- @include ([a-z][a-z0-9-]*)$/gm;

export function readScriptSpecs(dir: URL | string = SCRIPTS_DIR): ScriptSpec[] {
  const directory = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = readdirSync(directory).filter((file) => file.endsWith('.lua'));
  return files.sort().map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1] || match[2] === undefined) {
      throw new Error(`Lua script ${file} must be named <name>-<numKeys>.lua or <name>-n.lua`);
    }
    const source = readFileSync(path.join(directory, file), 'utf8');
    const lua = expandIncludes(source, path.join(directory, 'includes'), file);
    const numberOfKeys = match[2] === 'n' ? undefined : Number(match[2]);
    if (numberOfKeys === undefined && !source.includes('-- @include declared-keys'))
      throw new Error(`Lua script ${file} takes any number of keys but does not check them (declared-keys)`);
    checkHeader(file, lua, numberOfKeys);
    const version = createHash('sha1').update(lua).digest('hex').slice(0, 8);
    return {
      name: match[1],
      numberOfKeys,
      lua,
      commandName: `relay_${match[1].replaceAll('-', '_')}_${version}`,
    };
  });
}

function expandIncludes(lua: string, includesDir: string, file: string): string {
  return lua.replace(INCLUDE_PATTERN, (_line, name: string) => {
    try {
      return readFileSync(path.join(includesDir, `${name}.lua`), 'utf8').trimEnd();
    } catch {
      throw new Error(`Lua script ${file} includes ${name}, which is not in ${includesDir}`);
    }
  });
}

/** The header is the script's contract; refusing undocumented scripts keeps KEYS/ARGV readable for reviewers. */
function checkHeader(file: string, lua: string, numberOfKeys: number | undefined): void {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(lua.trimStart())?.[1];
  if (!header) throw new Error(`Lua script ${file} must start with a --[[ ... ]] header`);
  if (numberOfKeys === undefined) {
    if (!header.includes('KEYS[1]') || !header.includes('KEYS[2..]'))
      throw new Error(`Lua script ${file} does not document KEYS[1] and KEYS[2..]`);
    if (!/Returns?:/.test(header)) throw new Error(`Lua script ${file} does not document what it returns`);
    return;
  }
  for (let index = 1; index <= numberOfKeys; index += 1) {
    if (!header.includes(`KEYS[${index}]`))
      throw new Error(`Lua script ${file} does not document KEYS[${index}]`);
  }
  if (header.includes(`KEYS[${numberOfKeys + 1}]`)) {
    throw new Error(`Lua script ${file} documents more keys than its name declares (${numberOfKeys})`);
  }
  if (!/Returns?:/.test(header)) throw new Error(`Lua script ${file} does not document what it returns`);
}

export type ScriptArgument = string | number;

/** Runs our scripts by name on one connection, turning their typed error replies into AppErrors. */
export class ScriptRunner {
  private readonly specs = new Map<string, ScriptSpec>();

  constructor(
    private readonly redis: RedisClient,
    specs: ScriptSpec[] = readScriptSpecs(),
  ) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      // Without a fixed count, ioredis takes the count as the call's first argument (see `command`).
      redis.defineCommand(
        spec.commandName,
        spec.numberOfKeys === undefined
          ? { lua: spec.lua }
          : { numberOfKeys: spec.numberOfKeys, lua: spec.lua },
      );
    }
  }

  async run(name: string, keys: string[], args: ScriptArgument[] = []): Promise<unknown> {
    const command = this.command(this.redis, name, keys);
    try {
      return await command(...args);
    } catch (error) {
      throw mapScriptError(error);
    }
  }

  /** Adds the script to a pipeline; read its result with `pipelineResult` to get the same error mapping. */
  queue(pipeline: ChainableCommander, name: string, keys: string[], args: ScriptArgument[] = []): void {
    this.command(pipeline, name, keys)(...args);
  }

  private command(
    target: RedisClient | ChainableCommander,
    name: string,
    keys: string[],
  ): (...values: ScriptArgument[]) => Promise<unknown> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`Unknown Lua script ${name}`);
    if (spec.numberOfKeys !== undefined && keys.length !== spec.numberOfKeys) {
      throw new Error(`Lua script ${name} takes ${spec.numberOfKeys} keys, got ${keys.length}`);
    }
    if (spec.numberOfKeys === undefined && keys.length === 0)
      throw new Error(`Lua script ${name} needs keys`);
    const method: unknown = Reflect.get(target, spec.commandName);
    if (typeof method !== 'function') throw new Error(`Lua script ${name} is not defined on this connection`);
    // A script of any number of keys takes their count first. (On a cluster, ioredis's auto-pipelining would
    // route a call by its first argument, which must then be a key: it is off there, see connection.ts.)
    const head: ScriptArgument[] = spec.numberOfKeys === undefined ? [keys.length, ...keys] : keys;
    return (...values) => method.apply(target, [...head, ...values]) as Promise<unknown>;
  }
}

/** Unwraps one `[error, result]` pair of `pipeline.exec()`, mapping script errors like `ScriptRunner.run`. */
export function pipelineResult(entry: [Error | null, unknown] | undefined): unknown {
  if (!entry) throw new Error('Missing pipeline result');
  const [error, result] = entry;
  if (error) throw mapScriptError(error);
  return result;
}
