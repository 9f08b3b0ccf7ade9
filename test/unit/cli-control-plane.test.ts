// The admin CLI changes nothing behind the control plane's back: its commands reach the services only through
// `services.control`, where the role rules and the audit log are (a raw service call would skip both).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const COMMANDS = path.resolve(import.meta.dirname, '../../src/cli/commands');

/** Every `services.<name>` and `{ <names> } = services` in the file, but for `control`. */
function rawServiceUses(file: string): string[] {
  const source = readFileSync(path.join(COMMANDS, file), 'utf8');
  const members = [...source.matchAll(/\bservices\.(\w+)/g)].map((match) => match[1] ?? '');
  const destructured = [...source.matchAll(/\{([^{}]*)\}\s*=\s*services\b/g)].flatMap((match) =>
    (match[1] ?? '').split(',').map((name) => name.trim().split(/[\s:]/)[0] ?? ''),
  );
  return [...members, ...destructured]
    .filter((name) => name !== '' && name !== 'control')
    .map((name) => `${file}: services.${name}`);
}

describe('admin CLI commands', () => {
  it('call the services only through the control plane', () => {
    const files = readdirSync(COMMANDS).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(rawServiceUses)).toEqual([]);
  });
});
