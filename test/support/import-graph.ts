// Reads the relative imports of a tree of TypeScript files as text, for the architecture boundary tests.
// A small tokenizer rather than the compiler: comments and string contents cannot pose as imports, multi-line
// statements read like one-line ones, and a whole tree scans in a few milliseconds.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `static`: `import … from` and bare `import '…'`; `re-export`: `export … from`; `dynamic`: `import('…')`. */
export type ImportKind = 'static' | 're-export' | 'dynamic';

export interface ImportStatement {
  specifier: string;
  kind: ImportKind;
  /**
   * True only when the whole statement disappears at runtime: `import type`, `export type`, `typeof import()`.
   * `import { type A }` keeps an empty `import {} from` under verbatimModuleSyntax, so it loads the module.
   */
  typeOnly: boolean;
  /** 1-based line of the `import` or `export` keyword. */
  line: number;
}

/** One relative import, with both ends as root-relative POSIX paths such as `src/relay/routes.ts`. */
export interface ImportEdge extends ImportStatement {
  from: string;
  to: string;
}

export interface SourceFile {
  path: string;
  text: string;
}

export interface SourceTree {
  root: string;
  files: SourceFile[];
  edges: ImportEdge[];
}

interface Token {
  type: 'word' | 'string' | 'template' | 'regex' | 'punctuator';
  value: string;
  line: number;
}

// After these words a `/` starts a regular expression, not a division.
const keywordsBeforeExpression = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isWordCharacter(character: string): boolean {
  return /[\w$]/.test(character) || character.charCodeAt(0) > 127;
}

function regexAllowedAfter(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.type === 'word') return keywordsBeforeExpression.has(previous.value);
  if (previous.type === 'punctuator')
    return !(previous.value === ')' || previous.value === ']' || previous.value === '}');
  return false;
}

/**
 * Splits source into words, string literals, template pieces, regex literals and single-character
 * punctuators, dropping whitespace and comments. Template `${…}` expressions are tokenized as code, so an
 * import inside one is still seen; a template without substitutions becomes a plain string token.
 */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // One entry per open `{` or `${`; closing a `${` resumes the template literal it interrupted.
  const braces: Array<'block' | 'template'> = [];
  let index = 0;
  let line = 1;

  const readTemplate = (startLine: number, opened: boolean): void => {
    let text = '';
    while (index < source.length) {
      const character = source[index] ?? '';
      if (character === '\\') {
        text += source.slice(index, index + 2);
        if (source[index + 1] === '\n') line += 1;
        index += 2;
        continue;
      }
      if (character === '`') {
        index += 1;
        tokens.push({ type: opened ? 'template' : 'string', value: text, line: startLine });
        return;
      }
      if (character === '$' && source[index + 1] === '{') {
        index += 2;
        braces.push('template');
        tokens.push({ type: 'template', value: text, line: startLine });
        return;
      }
      if (character === '\n') line += 1;
      text += character;
      index += 1;
    }
  };

  while (index < source.length) {
    const character = source[index] ?? '';
    const next = source[index + 1];
    if (character === '\n') {
      line += 1;
      index += 1;
    } else if (/\s/.test(character)) {
      index += 1;
    } else if (character === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      index = end === -1 ? source.length : end;
    } else if (character === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      for (let position = index; position < stop; position += 1) if (source[position] === '\n') line += 1;
      index = stop;
    } else if (character === "'" || character === '"') {
      let value = '';
      index += 1;
      while (index < source.length && source[index] !== character && source[index] !== '\n') {
        if (source[index] === '\\') {
          // A backslash-newline continues the string on the next line.
          if (source[index + 1] === '\n') line += 1;
          value += source[index + 1] ?? '';
          index += 2;
        } else {
          value += source[index];
          index += 1;
        }
      }
      index += 1;
      tokens.push({ type: 'string', value, line });
    } else if (character === '`') {
      index += 1;
      readTemplate(line, false);
    } else if (character === '/' && regexAllowedAfter(tokens.at(-1))) {
      const startLine = line;
      let value = '/';
      let inClass = false;
      index += 1;
      while (index < source.length && source[index] !== '\n') {
        const current = source[index] ?? '';
        if (current === '\\') {
          value += source.slice(index, index + 2);
          index += 2;
          continue;
        }
        value += current;
        index += 1;
        if (current === '[') inClass = true;
        else if (current === ']') inClass = false;
        else if (current === '/' && !inClass) break;
      }
      while (index < source.length && isWordCharacter(source[index] ?? '')) index += 1;
      tokens.push({ type: 'regex', value, line: startLine });
    } else if (isWordCharacter(character)) {
      const start = index;
      while (index < source.length && isWordCharacter(source[index] ?? '')) index += 1;
      tokens.push({ type: 'word', value: source.slice(start, index), line });
    } else if (character === '{') {
      braces.push('block');
      tokens.push({ type: 'punctuator', value: '{', line });
      index += 1;
    } else if (character === '}') {
      index += 1;
      if (braces.pop() === 'template') readTemplate(line, true);
      else tokens.push({ type: 'punctuator', value: '}', line });
    } else {
      tokens.push({ type: 'punctuator', value: character, line });
      index += 1;
    }
  }
  return tokens;
}

function isWord(token: Token | undefined, value: string): boolean {
  return token?.type === 'word' && token.value === value;
}

function isPunctuator(token: Token | undefined, value: string): boolean {
  return token?.type === 'punctuator' && token.value === value;
}

/** Index just past the `}` that closes the `{` at `open`, or the token count when it never closes. */
function skipBraces(tokens: Token[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index += 1) {
    if (isPunctuator(tokens[index], '{')) depth += 1;
    else if (isPunctuator(tokens[index], '}')) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return tokens.length;
}

/**
 * Walks an import or export clause (`A, { b as c }`, `* as d`) from `start` and returns the specifier token
 * of the `from '…'` that ends it, or undefined when the statement has no `from` (a local `export { a }`,
 * `export const`, `import x = require()`).
 */
function clauseSource(tokens: Token[], start: number): Token | undefined {
  let index = start;
  while (index < tokens.length) {
    const token = tokens[index];
    if (isWord(token, 'from') && tokens[index + 1]?.type === 'string') return tokens[index + 1];
    if (isPunctuator(token, '{')) index = skipBraces(tokens, index);
    else if (token?.type === 'word' || isPunctuator(token, ',') || isPunctuator(token, '*')) index += 1;
    else return undefined;
  }
  return undefined;
}

/** Every import and re-export specifier in one file's source, packages included, in source order. */
export function readImports(source: string): ImportStatement[] {
  const tokens = tokenize(source);
  const statements: ImportStatement[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token?.type !== 'word' || (token.value !== 'import' && token.value !== 'export')) continue;
    const previous = tokens[index - 1];
    // `something.import(…)` is a method call, not the import keyword.
    if (isPunctuator(previous, '.')) continue;
    const next = tokens[index + 1];
    const line = token.line;

    if (token.value === 'import') {
      if (isPunctuator(next, '(')) {
        const argument = tokens[index + 2];
        if (argument?.type === 'string') {
          statements.push({
            specifier: argument.value,
            kind: 'dynamic',
            typeOnly: isWord(previous, 'typeof'),
            line,
          });
        }
        continue;
      }
      if (next?.type === 'string') {
        statements.push({ specifier: next.value, kind: 'static', typeOnly: false, line });
        continue;
      }
      // `import type from '…'` binds a default export named `type`; anything else after `type` is a clause.
      const afterType = tokens[index + 2];
      const typeOnly =
        isWord(next, 'type') &&
        !(isWord(afterType, 'from') && tokens[index + 3]?.type === 'string') &&
        !isPunctuator(afterType, ',') &&
        !isPunctuator(afterType, '=');
      const source = clauseSource(tokens, index + 1);
      if (source) statements.push({ specifier: source.value, kind: 'static', typeOnly, line });
      continue;
    }

    // `export type { … } from` and `export type * from` vanish at runtime; `export type Foo = …` has no source.
    const typeOnly = isWord(next, 'type');
    const clauseStart = typeOnly ? index + 2 : index + 1;
    const clauseOpener = tokens[clauseStart];
    if (!isPunctuator(clauseOpener, '{') && !isPunctuator(clauseOpener, '*')) continue;
    const source = clauseSource(tokens, clauseStart);
    if (source) statements.push({ specifier: source.value, kind: 're-export', typeOnly, line });
  }
  return statements;
}

/**
 * The root-relative path a relative specifier names, or undefined for a package import. NodeNext sources
 * name the emitted file, so `./x.js` is `./x.ts` on disk (likewise `.mjs`, `.cjs`, `.jsx`).
 */
export function resolveSpecifier(fromPath: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier));
  return joined.replace(/\.(m|c)?js$/, '.$1ts').replace(/\.jsx$/, '.tsx');
}

/**
 * Every file under `folder` (root-relative), as sorted root-relative POSIX paths; none when it is missing.
 * Entries that vanish mid-walk are skipped: other people edit the tree while tests run.
 */
export function listFiles(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) found.push(child);
    }
  };
  walk(folder);
  return found.sort();
}

/** Direct subfolder names of `folder`, sorted; none when it is missing. */
export function listFolders(root: string, folder: string): string[] {
  try {
    return readdirSync(path.join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** True when `file` is `folder` itself or lies anywhere beneath it. */
export function isUnder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(`${folder}/`);
}

/**
 * Reads every `.ts` file under the given root-relative folders, skipping those under `excluded`, and the
 * relative imports between them. Package imports are left out: the boundaries are between our own folders.
 */
export function readSourceTree(root: string, folders: string[], excluded: string[] = []): SourceTree {
  const files: SourceFile[] = [];
  const edges: ImportEdge[] = [];
  for (const folder of folders) {
    for (const file of listFiles(root, folder)) {
      if (!file.endsWith('.ts') || excluded.some((skip) => isUnder(file, skip))) continue;
      let text: string;
      try {
        text = readFileSync(path.join(root, file), 'utf8');
      } catch {
        continue;
      }
      files.push({ path: file, text });
      for (const statement of readImports(text)) {
        const to = resolveSpecifier(file, statement.specifier);
        if (to !== undefined) edges.push({ ...statement, from: file, to });
      }
    }
  }
  return { root, files, edges };
}

/** How a failing rule names one import: `file:line -> target ('specifier as written')`. */
export function describeEdge(edge: ImportEdge): string {
  return `${edge.from}:${edge.line} -> ${edge.to} ('${edge.specifier}')`;
}
