// The layout's boundary rules (DESIGN §11), each checked on the real tree and, so that no rule can pass by
// never looking, on a throwaway copy of src/ and clients/ with a violation planted in it.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeEdge,
  type ImportEdge,
  isUnder,
  listFiles,
  listFolders,
  readImports,
  readSourceTree,
  resolveSpecifier,
  type SourceTree,
} from '../support/import-graph.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const formatsFolder = 'src/relay/formats';
const translateFolder = 'src/relay/translate';
const canonicalFolder = 'src/relay/canonical';
const providersFolder = 'src/relay/providers';
const providerRegistry = `${providersFolder}/registry.ts`;
// Written by graphql-codegen from schema.graphql (codegen.ts); it names no server file and is not edited by hand.
const generatedClients = 'clients/generated';

function readTree(root: string): SourceTree {
  return readSourceTree(root, ['src', 'clients'], [generatedClients]);
}

/**
 * The folder directly under `parent` that holds `file` (`anthropic` for `src/relay/formats/anthropic/x.ts`),
 * or undefined when `file` sits directly in `parent`, where the shared contracts live, or outside it.
 */
function folderBelow(file: string, parent: string): string | undefined {
  if (!file.startsWith(`${parent}/`)) return undefined;
  const rest = file.slice(parent.length + 1);
  const slash = rest.indexOf('/');
  return slash === -1 ? undefined : rest.slice(0, slash);
}

function importsFromInto(tree: SourceTree, from: string[], into: string[]): ImportEdge[] {
  return tree.edges.filter(
    (edge) =>
      from.some((folder) => isUnder(edge.from, folder)) && into.some((folder) => isUnder(edge.to, folder)),
  );
}

// Rule 1: decisions live in services, which must stay callable from every edge without dragging one in.
function servicesImportingEdges(tree: SourceTree): ImportEdge[] {
  return importsFromInto(
    tree,
    ['src/services'],
    ['src/relay', 'src/http', 'src/schema', 'src/resolvers', 'src/trpc', 'src/cli'],
  );
}

// Rule 2: formats meet only through the canonical model, so adding one never touches another.
function formatsImportingOtherFormats(tree: SourceTree): ImportEdge[] {
  return tree.edges.filter((edge) => {
    const source = folderBelow(edge.from, formatsFolder);
    const target = folderBelow(edge.to, formatsFolder);
    return source !== undefined && target !== undefined && source !== target;
  });
}

// Rule 2b: a format's translator reads its own format's wire and the canonical model, never another format's
// (translators meet only in the canonical model); the canonical model knows no format at all.
function translatorsImportingOtherFormats(tree: SourceTree): ImportEdge[] {
  return tree.edges.filter((edge) => {
    if (isUnder(edge.from, canonicalFolder)) {
      return isUnder(edge.to, formatsFolder) || isUnder(edge.to, translateFolder);
    }
    const source = folderBelow(edge.from, translateFolder);
    if (source === undefined) return false;
    const target = folderBelow(edge.to, translateFolder) ?? folderBelow(edge.to, formatsFolder);
    return target !== undefined && target !== source;
  });
}

// Rule 3: providers meet in the pipeline; the registry imports every provider, so a provider importing it
// would close a cycle.
function providersImportingOtherProviders(tree: SourceTree): ImportEdge[] {
  return tree.edges.filter((edge) => {
    const source = folderBelow(edge.from, providersFolder);
    if (source === undefined) return false;
    const target = folderBelow(edge.to, providersFolder);
    return (target !== undefined && target !== source) || edge.to === providerRegistry;
  });
}

// Rule 4: config is read at boot before any service exists.
function configImportingServices(tree: SourceTree): ImportEdge[] {
  return importsFromInto(tree, ['src/config'], ['src/services']);
}

// Rule 5: http is the server kit the surfaces mount on, not one of them.
function httpImportingSurfaces(tree: SourceTree): ImportEdge[] {
  return importsFromInto(tree, ['src/http'], ['src/relay', 'src/schema', 'src/trpc', 'src/resolvers']);
}

// Rule 6: the pipeline pairs a client's format with an account's provider; neither side may pick the other.
// Providers may still read the shared contracts directly in formats/.
function formatsAndProvidersImportingEachOther(tree: SourceTree): ImportEdge[] {
  return tree.edges.filter(
    (edge) =>
      (isUnder(edge.from, formatsFolder) && isUnder(edge.to, providersFolder)) ||
      (isUnder(edge.from, providersFolder) && folderBelow(edge.to, formatsFolder) !== undefined),
  );
}

interface FormatFileSets {
  /** Folder name → its files, relative to the folder, sorted. */
  sets: Map<string, string[]>;
  /** One line per folder whose files differ from the first folder's. */
  differences: string[];
}

// Rule 7: every format has the same role-named file set, so a reader finds the same part in the same place.
function formatFileSets(root: string): FormatFileSets {
  const sets = new Map<string, string[]>();
  for (const folder of listFolders(root, formatsFolder)) {
    const prefix = `${formatsFolder}/${folder}/`;
    sets.set(
      folder,
      listFiles(root, `${formatsFolder}/${folder}`).map((file) => file.slice(prefix.length)),
    );
  }
  const [first, ...others] = [...sets.entries()];
  const differences: string[] = [];
  if (first === undefined) return { sets, differences };
  const [firstName, firstFiles] = first;
  for (const [name, files] of others) {
    const missing = firstFiles.filter((file) => !files.includes(file));
    const extra = files.filter((file) => !firstFiles.includes(file));
    if (missing.length > 0 || extra.length > 0) {
      differences.push(
        `${name} (against ${firstName}): missing [${missing.join(', ')}], extra [${extra.join(', ')}]`,
      );
    }
  }
  return { sets, differences };
}

// Rule 8: clients ship to other programs; a value import would pull server code (and its secrets) into them.
function clientsImportingServerValues(tree: SourceTree): ImportEdge[] {
  return importsFromInto(tree, ['clients'], ['src']).filter((edge) => !edge.typeOnly);
}

// Rule 9: the role comment is how a reader knows what a file is for before reading it.
function filesWithoutRoleComment(tree: SourceTree): string[] {
  return tree.files
    .filter((file) => isUnder(file.path, 'src') && !/^\/\/[^\S\n]*\S/.test(file.text))
    .map((file) => file.path);
}

function pairs(edges: ImportEdge[]): string[] {
  return edges.map((edge) => `${edge.from} -> ${edge.to}`);
}

const realTree = readTree(repositoryRoot);

// Planting happens in one copy of src/ and clients/ in the system temp folder; the real tree is never written.
// One copy serves every case because copying the tree is the slow part (about 0.1 s); each case plants in files
// and folders of its own and asserts only the imports it planted, so the cases do not depend on one another.
let plantingRoot: string | undefined;

afterAll(() => {
  if (plantingRoot !== undefined) rmSync(plantingRoot, { recursive: true, force: true });
});

function plantingCopy(): string {
  if (plantingRoot !== undefined) return plantingRoot;
  const root = mkdtempSync(path.join(tmpdir(), 'relay-boundaries-'));
  plantingRoot = root;
  cpSync(path.join(repositoryRoot, 'src'), path.join(root, 'src'), { recursive: true });
  cpSync(path.join(repositoryRoot, 'clients'), path.join(root, 'clients'), { recursive: true });
  return root;
}

/** The first folder under `parent` holding a `.ts` file (an emptied folder may linger after a move). */
function firstFolder(root: string, parent: string): string {
  const folder = listFolders(root, parent).find((name) =>
    listFiles(root, `${parent}/${name}`).some((file) => file.endsWith('.ts')),
  );
  if (folder === undefined) throw new Error(`no folder with .ts files under ${parent} to plant in`);
  return `${parent}/${folder}`;
}

/** The first `.ts` file under `folder` of the copy: the plants follow the tree as it is refactored. */
function firstSourceFile(root: string, folder: string, excluded?: string): string {
  const file = listFiles(root, folder).find(
    (candidate) => candidate.endsWith('.ts') && (excluded === undefined || !isUnder(candidate, excluded)),
  );
  if (file === undefined) throw new Error(`no .ts file under ${folder} to plant a violation in`);
  return file;
}

/** How `from` would import `to`: relative, with the `.js` suffix NodeNext wants. */
function specifierFor(from: string, to: string): string {
  const relative = path.posix.relative(path.posix.dirname(from), to).replace(/\.ts$/, '.js');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** Inserts `lines` below the role comment of `file`, so that comment stays first. */
function plantLines(root: string, file: string, ...lines: string[]): void {
  const full = path.join(root, file);
  const [first = '', ...rest] = readFileSync(full, 'utf8').split('\n');
  writeFileSync(full, [first, ...lines, ...rest].join('\n'));
}

function plantFile(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** A second format or provider folder in the copy, made by copying the first one. */
function plantSiblingFolder(root: string, parent: string, name: string): { original: string; copy: string } {
  const original = firstFolder(root, parent);
  const copy = `${parent}/${name}`;
  cpSync(path.join(root, original), path.join(root, copy), { recursive: true });
  return { original, copy };
}

describe('import scanner', () => {
  it('reads static, type, re-export, side-effect, multi-line and dynamic imports', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import './side-effect.js';",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.js';",
      "export { e } from './e.js';",
      "export type * from './f.js';",
      "export * as g from './g.js';",
      "const h = await import('./h.js');",
      "type I = typeof import('./i.js');",
      "import { type J } from './j.js';",
      "import type from './default-named-type.js';",
      "import z from 'zod';",
    ].join('\n');
    expect(readImports(source)).toEqual([
      { specifier: './a.js', kind: 'static', typeOnly: false, line: 1 },
      { specifier: './b.js', kind: 'static', typeOnly: true, line: 2 },
      { specifier: './side-effect.js', kind: 'static', typeOnly: false, line: 3 },
      { specifier: './c.js', kind: 'static', typeOnly: false, line: 4 },
      { specifier: './e.js', kind: 're-export', typeOnly: false, line: 8 },
      { specifier: './f.js', kind: 're-export', typeOnly: true, line: 9 },
      { specifier: './g.js', kind: 're-export', typeOnly: false, line: 10 },
      { specifier: './h.js', kind: 'dynamic', typeOnly: false, line: 11 },
      { specifier: './i.js', kind: 'dynamic', typeOnly: true, line: 12 },
      { specifier: './j.js', kind: 'static', typeOnly: false, line: 13 },
      { specifier: './default-named-type.js', kind: 'static', typeOnly: false, line: 14 },
      { specifier: 'zod', kind: 'static', typeOnly: false, line: 15 },
    ]);
  });

  it('ignores imports in comments, strings, templates and regular expressions', () => {
    const source = [
      "// import { a } from './line-comment.js';",
      "/* import { b } from './block-comment.js';",
      "   export * from './block-comment.js'; */",
      'const text = "import { c } from \'./string.js\'";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, not a template.
      "const template = `import { d } from './template.js' ${value} import('./template.js')`;",
      "const pattern = /import { e } from '.\\/regex.js'/;",
      'const object = { import: 1, export: 2 };',
      "loader.import('./method-call.js');",
      'export { local };',
      "const url = import.meta.url; import { real } from './real.js';",
    ].join('\n');
    expect(readImports(source).map((statement) => statement.specifier)).toEqual(['./real.js']);
  });

  it('still sees an import inside a template expression', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, not a template.
    expect(readImports("const text = `${await import('./inside.js')}`;")).toEqual([
      { specifier: './inside.js', kind: 'dynamic', typeOnly: false, line: 1 },
    ]);
  });

  it('resolves .js specifiers to the .ts files they name and leaves packages out', () => {
    expect(resolveSpecifier('src/relay/formats/anthropic/format.ts', '../../stream/sse-parser.js')).toBe(
      'src/relay/stream/sse-parser.ts',
    );
    expect(resolveSpecifier('clients/trpc.ts', '../src/trpc/router.js')).toBe('src/trpc/router.ts');
    expect(resolveSpecifier('src/a.ts', './b.mjs')).toBe('src/b.mts');
    expect(resolveSpecifier('src/a.ts', 'zod')).toBeUndefined();
    expect(resolveSpecifier('src/a.ts', 'node:fs')).toBeUndefined();
  });
});

describe('1. services never import relay, http, schema, resolvers, trpc or cli', () => {
  it('holds on the current tree', () => {
    expect(servicesImportingEdges(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when a service imports an edge, by any kind of import', () => {
    const root = plantingCopy();
    const service = firstSourceFile(root, 'src/services');
    const relay = 'src/relay/routes.ts';
    const http = 'src/http/app.ts';
    const schema = 'src/schema/index.ts';
    const resolvers = 'src/resolvers/users.ts';
    const trpc = 'src/trpc/router.ts';
    const cli = 'src/cli/main.ts';
    const commented = `// import { commented } from '${specifierFor(service, relay)}';`;
    const planted = [
      `import { relayRoutes } from '${specifierFor(service, relay)}';`,
      `import type { App } from '${specifierFor(service, http)}';`,
      `export { printedSchema } from '${specifierFor(service, schema)}';`,
      `const resolvers = () => import('${specifierFor(service, resolvers)}');`,
      'import {',
      '  appRouter,',
      `} from '${specifierFor(service, trpc)}';`,
      `import '${specifierFor(service, cli)}';`,
      commented,
    ];
    plantLines(root, service, ...planted);
    const violations = servicesImportingEdges(readTree(root));
    const found = pairs(violations);
    for (const target of [relay, http, schema, resolvers, trpc, cli]) {
      expect(found).toContain(`${service} -> ${target}`);
    }
    // Planted lines start at line 2, below the role comment.
    const commentedLine = planted.indexOf(commented) + 2;
    expect(violations.filter((edge) => edge.from === service && edge.line === commentedLine)).toEqual([]);
  });
});

describe('2. formats never import another format (files directly in formats/ are shared)', () => {
  it('holds on the current tree', () => {
    expect(formatsImportingOtherFormats(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when one format folder imports another', () => {
    const root = plantingCopy();
    const { original, copy } = plantSiblingFolder(root, formatsFolder, 'planted-format');
    const importer = firstSourceFile(root, copy);
    const imported = firstSourceFile(root, original);
    const contract = `${formatsFolder}/relay-format.ts`;
    plantLines(
      root,
      importer,
      `import * as other from '${specifierFor(importer, imported)}';`,
      `import type { RelayFormat } from '${specifierFor(importer, contract)}';`,
    );
    const found = pairs(formatsImportingOtherFormats(readTree(root)));
    expect(found).toContain(`${importer} -> ${imported}`);
    expect(found).not.toContain(`${importer} -> ${contract}`);
  });
});

describe("2b. translators never import another format's translator or wire; canonical imports no format", () => {
  it('holds on the current tree', () => {
    expect(translatorsImportingOtherFormats(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when a translator imports another format, or the canonical model imports one', () => {
    const root = plantingCopy();
    const { original, copy } = plantSiblingFolder(root, translateFolder, 'planted-translator');
    const importer = firstSourceFile(root, copy);
    const otherTranslator = firstSourceFile(root, original);
    const otherWire = firstSourceFile(root, firstFolder(root, formatsFolder));
    const contract = `${translateFolder}/translator.ts`;
    plantLines(
      root,
      importer,
      `import * as translator from '${specifierFor(importer, otherTranslator)}';`,
      `import * as wire from '${specifierFor(importer, otherWire)}';`,
      `import type { FormatTranslator } from '${specifierFor(importer, contract)}';`,
    );
    const canonical = firstSourceFile(root, canonicalFolder);
    plantLines(root, canonical, `import * as wire from '${specifierFor(canonical, otherWire)}';`);
    const found = pairs(translatorsImportingOtherFormats(readTree(root)));
    expect(found).toContain(`${importer} -> ${otherTranslator}`);
    expect(found).toContain(`${importer} -> ${otherWire}`);
    expect(found).toContain(`${canonical} -> ${otherWire}`);
    expect(found).not.toContain(`${importer} -> ${contract}`);
  });
});

describe('3. providers never import another provider, nor the registry that imports them', () => {
  it('holds on the current tree', () => {
    expect(providersImportingOtherProviders(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when one provider folder imports another or the registry', () => {
    const root = plantingCopy();
    const { original, copy } = plantSiblingFolder(root, providersFolder, 'planted-provider');
    const importer = firstSourceFile(root, copy);
    const imported = firstSourceFile(root, original);
    const contract = `${providersFolder}/upstream-provider.ts`;
    plantLines(
      root,
      importer,
      `import type { Other } from '${specifierFor(importer, imported)}';`,
      `import { providers } from '${specifierFor(importer, providerRegistry)}';`,
      `import type { UpstreamProvider } from '${specifierFor(importer, contract)}';`,
    );
    const found = pairs(providersImportingOtherProviders(readTree(root)));
    expect(found).toContain(`${importer} -> ${imported}`);
    expect(found).toContain(`${importer} -> ${providerRegistry}`);
    expect(found).not.toContain(`${importer} -> ${contract}`);
  });
});

describe('4. config never imports services', () => {
  it('holds on the current tree', () => {
    expect(configImportingServices(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when config imports a service', () => {
    const root = plantingCopy();
    const config = firstSourceFile(root, 'src/config');
    const service = 'src/services/container.ts';
    plantLines(root, config, `const container = () => import('${specifierFor(config, service)}');`);
    expect(pairs(configImportingServices(readTree(root)))).toContain(`${config} -> ${service}`);
  });
});

describe('5. http never imports relay, schema, trpc or resolvers', () => {
  it('holds on the current tree', () => {
    expect(httpImportingSurfaces(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when http imports a surface', () => {
    const root = plantingCopy();
    const http = firstSourceFile(root, 'src/http');
    const targets = [
      'src/relay/routes.ts',
      'src/schema/index.ts',
      'src/trpc/router.ts',
      'src/resolvers/users.ts',
    ];
    plantLines(
      root,
      http,
      ...targets.map((target, index) => `import * as s${index} from '${specifierFor(http, target)}';`),
    );
    const found = pairs(httpImportingSurfaces(readTree(root)));
    for (const target of targets) expect(found).toContain(`${http} -> ${target}`);
  });
});

describe('6. formats never import providers; providers never import a format folder', () => {
  it('holds on the current tree', () => {
    expect(formatsAndProvidersImportingEachOther(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when a format imports a provider or a provider imports a format folder', () => {
    const root = plantingCopy();
    const format = firstSourceFile(root, firstFolder(root, formatsFolder));
    const provider = firstSourceFile(root, firstFolder(root, providersFolder));
    const contract = `${formatsFolder}/relay-format.ts`;
    plantLines(root, format, `import { call } from '${specifierFor(format, provider)}';`);
    plantLines(
      root,
      provider,
      `import { parse } from '${specifierFor(provider, format)}';`,
      `import type { RelayFormat } from '${specifierFor(provider, contract)}';`,
    );
    const found = pairs(formatsAndProvidersImportingEachOther(readTree(root)));
    expect(found).toContain(`${format} -> ${provider}`);
    expect(found).toContain(`${provider} -> ${format}`);
    expect(found).not.toContain(`${provider} -> ${contract}`);
  });
});

describe('7. every format folder has the same file set', () => {
  it('holds on the current tree', () => {
    const { sets, differences } = formatFileSets(repositoryRoot);
    expect(differences).toEqual([]);
    // The sets are computed even while one format exists, so the check is live the day a second lands.
    expect([...sets.values()][0] ?? []).not.toEqual([]);
  });

  it('fails when a format folder lacks a file or has an extra one', () => {
    const root = plantingCopy();
    const { original, copy } = plantSiblingFolder(root, formatsFolder, 'planted-format-set');
    // An identical second folder passes, so the failure below comes from the difference alone.
    expect(formatFileSets(root).differences.filter((line) => line.includes('planted-format-set'))).toEqual(
      [],
    );
    const dropped = firstSourceFile(root, copy);
    rmSync(path.join(root, dropped));
    plantFile(root, `${copy}/planted-extra.ts`, '// An extra file no other format has.\n');
    const firstName = path.posix.basename(original);
    const droppedName = dropped.slice(copy.length + 1);
    const { differences } = formatFileSets(root);
    // The first folder by name is the reference; the planted one is compared with it, or it with the planted one.
    const expected =
      firstName < 'planted-format-set'
        ? `planted-format-set (against ${firstName}): missing [${droppedName}], extra [planted-extra.ts]`
        : `${firstName} (against planted-format-set): missing [planted-extra.ts], extra [${droppedName}]`;
    expect(differences).toContain(expected);
  });
});

describe('8. clients import from src only with `import type`', () => {
  it('holds on the current tree', () => {
    expect(clientsImportingServerValues(realTree).map(describeEdge)).toEqual([]);
  });

  it('fails when a client imports a value from src, even with inline `type` modifiers', () => {
    const root = plantingCopy();
    const client = firstSourceFile(root, 'clients', generatedClients);
    const valueTarget = 'src/errors/app-error.ts';
    const inlineTarget = 'src/services/users/user-types.ts';
    const typeTarget = 'src/trpc/router.ts';
    plantLines(
      root,
      client,
      `import { AppError } from '${specifierFor(client, valueTarget)}';`,
      `import { type Role } from '${specifierFor(client, inlineTarget)}';`,
      `import type { AppRouter as Planted } from '${specifierFor(client, typeTarget)}';`,
    );
    const found = pairs(clientsImportingServerValues(readTree(root)));
    expect(found).toContain(`${client} -> ${valueTarget}`);
    expect(found).toContain(`${client} -> ${inlineTarget}`);
    expect(found).not.toContain(`${client} -> ${typeTarget}`);
  });
});

describe('9. every .ts file under src/ begins with a // role comment', () => {
  it('holds on the current tree', () => {
    expect(filesWithoutRoleComment(realTree)).toEqual([]);
  });

  it('fails when a file starts with code, a blank line or a block comment', () => {
    const root = plantingCopy();
    const existing = firstSourceFile(root, 'src/lib');
    writeFileSync(path.join(root, existing), `\n${readFileSync(path.join(root, existing), 'utf8')}`);
    plantFile(root, 'src/lib/planted-code-first.ts', "import { z } from 'zod';\n// Role comment too late.\n");
    plantFile(root, 'src/lib/planted-block-comment.ts', '/* A block comment is not the role line. */\n');
    plantFile(root, 'src/lib/planted-empty-comment.ts', '//\nexport const value = 1;\n');
    const found = filesWithoutRoleComment(readTree(root));
    for (const file of [
      existing,
      'src/lib/planted-code-first.ts',
      'src/lib/planted-block-comment.ts',
      'src/lib/planted-empty-comment.ts',
    ]) {
      expect(found).toContain(file);
    }
  });
});
