// Loads `scripts/<name>-<numKeys>.lua`, checks each documented header and defines it under a versioned name.
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
  readonly numberOfKeys: number;
  /**
   * Name the command is defined under. The content hash makes two versions of a script deployed side by side
   * (during a rolling upgrade) distinct commands rather than one silently replacing the other.
   */
  readonly commandName: string;
  readonly lua: string;
}

export const SCRIPTS_DIR = new URL('./scripts/', import.meta.url);
const FILE_PATTERN = /^([a-z][a-z0-9-]*[a-z0-9])-(\d+)\.lua$/;
/** `-- @include <name>` inlines `includes/<name>.lua`, so logic several scripts need is written once. */
const INCLUDE_PATTERN = /^-- @include ([a-z][a-z0-9-]*)$/gm;

export function readScriptSpecs(dir: URL | string = SCRIPTS_DIR): ScriptSpec[] {
  const directory = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = readdirSync(directory).filter((file) => file.endsWith('.lua'));
  return files.sort().map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1] || match[2] === undefined) {
      throw new Error(`Lua script ${file} must be named <name>-<numKeys>.lua`);
    }
    const lua = expandIncludes(
      readFileSync(path.join(directory, file), 'utf8'),
      path.join(directory, 'includes'),
      file,
    );
    const numberOfKeys = Number(match[2]);
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
function checkHeader(file: string, lua: string, numberOfKeys: number): void {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(lua.trimStart())?.[1];
  if (!header) throw new Error(`Lua script ${file} must start with a --[[ ... ]] header`);
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
      redis.defineCommand(spec.commandName, { numberOfKeys: spec.numberOfKeys, lua: spec.lua });
    }
  }

  async run(name: string, keys: string[], args: ScriptArgument[] = []): Promise<unknown> {
    const command = this.command(this.redis, name, keys);
    try {
      return await command(...keys, ...args);
    } catch (error) {
      throw mapScriptError(error);
    }
  }

  /** Adds the script to a pipeline; read its result with `pipelineResult` to get the same error mapping. */
  queue(pipeline: ChainableCommander, name: string, keys: string[], args: ScriptArgument[] = []): void {
    this.command(pipeline, name, keys)(...keys, ...args);
  }

  private command(
    target: RedisClient | ChainableCommander,
    name: string,
    keys: string[],
  ): (...values: ScriptArgument[]) => Promise<unknown> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`Unknown Lua script ${name}`);
    if (keys.length !== spec.numberOfKeys) {
      throw new Error(`Lua script ${name} takes ${spec.numberOfKeys} keys, got ${keys.length}`);
    }
    const method: unknown = Reflect.get(target, spec.commandName);
    if (typeof method !== 'function') throw new Error(`Lua script ${name} is not defined on this connection`);
    return (...values) => method.apply(target, values) as Promise<unknown>;
  }
}

/** Unwraps one `[error, result]` pair of `pipeline.exec()`, mapping script errors like `ScriptRunner.run`. */
export function pipelineResult(entry: [Error | null, unknown] | undefined): unknown {
  if (!entry) throw new Error('Missing pipeline result');
  const [error, result] = entry;
  if (error) throw mapScriptError(error);
  return result;
}
