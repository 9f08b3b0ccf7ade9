// The admin CLI as a child process: user commands through the control plane's rules and audit log (the way
// back from a lost admin password), and relay keys accepted in place of ids without ever being printed.
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/services/users/user-types.js';
import {
  type CliEnv,
  type CliFixture,
  type CliResult,
  createCliFixture,
  runCli,
  runCliJson,
} from '../support/cli.js';
import { settleInput } from '../support/settle-input.js';

const ACTOR = `cli:${userInfo().username}`;

/** Fails with what the CLI said when a secret shows up in any of its output. */
function expectNotPrinted(result: CliResult, secret: string): void {
  expect(result.stdout, 'stdout').not.toContain(secret);
  expect(result.stderr, 'stderr').not.toContain(secret);
}

// Every run is a CLI process compiling the CLI with tsx: over the default timeout on a loaded machine.
describe('admin CLI users and secrets', { timeout: 90_000 }, () => {
  let fixture: CliFixture;
  let env: CliEnv;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
  });
  afterEach(() => fixture.cleanup());

  it('reads a key by its plaintext as by its id, and never prints the plaintext', async () => {
    const services = await fixture.servicesLikeCli();
    const { key, plaintext } = await services.apiKeys.create({ name: 'metered' });
    await services.settler.settle(settleInput('req_cli_plain_1', { keyId: key.id }));
    await services.settler.settle(settleInput('req_cli_plain_2', { keyId: key.id }));
    expect(await services.rollups.drain()).toBe(2);

    const [json, text, show] = await Promise.all([
      runCli(['usage', 'key', plaintext, '--json'], env),
      runCli(['usage', 'key', plaintext], env),
      runCli(['keys', 'show', plaintext], env),
    ]);
    for (const result of [json, text, show]) {
      expect(result.code).toBe(0);
      expectNotPrinted(result, plaintext);
    }
    expect(JSON.parse(json.stdout)).toMatchObject({
      entity: key.id,
      totals: { requests: 2, inputTokens: 2000 },
    });
    expect(text.stdout).toContain(`Usage of API key ${key.id} (metered)`);
    expect(text.stderr).toBe('');
    expect(show.stdout).toContain(key.id);

    // A key nobody has, and a secret typed where it does not belong: refused, and still not echoed.
    const unknown = `cr_${'Q'.repeat(43)}`;
    const [missing, stray] = await Promise.all([
      runCli(['usage', 'key', unknown], env),
      runCli(['keys', 'show', key.id, plaintext], env),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cr_…QQQQ');
    expectNotPrinted(missing, unknown);
    expect(stray.code).toBe(2);
    expectNotPrinted(stray, plaintext);
  });

  it('creates, lists, resets, disables and enables users through the control plane, audited as the CLI', async () => {
    const services = await fixture.servicesLikeCli();
    const alicePassword = 'alice password from stdin';
    // Independent runs go in parallel: every one is a process compiling the CLI.
    const [created, generated, typed, tooShort, nobody, help] = await Promise.all([
      runCli(
        ['users', 'create', 'alice', '--role', 'admin', '--password', '-', '--json'],
        env,
        `${alicePassword}\n`,
      ),
      // Without --password one is generated and shown this once.
      runCli(['users', 'create', 'bob', '--role', 'viewer'], env),
      // A password typed on the command line would stay in shell history: refused, and not repeated.
      runCli(['users', 'create', 'carol', '--role', 'viewer', '--password', 'carol typed this'], env),
      runCli(['users', 'create', 'carol', '--role', 'viewer', '--password', '-'], env, 'short\n'),
      runCli(['users', 'disable', 'nobody'], env),
      runCli(['help'], env),
    ]);
    expect(created.code).toBe(0);
    expectNotPrinted(created, alicePassword);
    const alice = JSON.parse(created.stdout).user as User;
    expect(alice).toMatchObject({ username: 'alice', role: 'admin', disabled: false });
    expect((await services.auth.login('alice', alicePassword, '127.0.0.1')).user.id).toBe(alice.id);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain('only time');
    const bobPassword = /^\s+(\S{16,})$/m.exec(generated.stdout)?.[1] ?? '';
    const bob = (await services.auth.login('bob', bobPassword, '127.0.0.1')).user;
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain('--password');
    expectNotPrinted(typed, 'carol typed this');
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain('at least 12 characters');
    expectNotPrinted(tooShort, 'short\n');
    expect(await services.users.findByUsername('carol')).toBeUndefined();
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('User nobody does not exist');
    expect(help.stdout).toContain('users reset-password <user>');

    const [listed, table] = await Promise.all([
      runCliJson<{ items: User[] }>(['users', 'list'], env),
      runCli(['users', 'list'], env),
    ]);
    expect(listed.items.map((user) => user.username).sort()).toEqual(['alice', 'bob']);
    expect(table.stdout).toMatch(/bob\s+viewer\s+enabled/);

    // The way back from a lost password: every session of the user ends, and only the new password works.
    const session = await services.auth.login('alice', alicePassword, '127.0.0.1');
    const fresh = 'a fresh password for alice';
    const [reset, regenerated] = await Promise.all([
      runCli(['users', 'reset-password', 'alice', '--password', '-'], env, fresh),
      runCliJson<{ user: User; password: string }>(['users', 'reset-password', bob.id], env),
    ]);
    expect(reset.code).toBe(0);
    expectNotPrinted(reset, fresh);
    await expect(services.auth.authenticate(session.accessToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.refresh(session.refreshToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.login('alice', alicePassword, '127.0.0.2')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect((await services.auth.login('alice', fresh, '127.0.0.1')).user.id).toBe(alice.id);
    expect(regenerated.user.id).toBe(bob.id);
    expect((await services.auth.login('bob', regenerated.password, '127.0.0.1')).user.id).toBe(bob.id);

    const [disabled, lastAdmin] = await Promise.all([
      runCli(['users', 'disable', 'bob'], env),
      // The control plane's rules hold for the CLI too: the last enabled admin stays one.
      runCli(['users', 'disable', 'alice'], env),
    ]);
    expect(disabled).toMatchObject({ code: 0, stdout: expect.stringContaining('Disabled user bob') });
    await expect(services.auth.login('bob', regenerated.password, '127.0.0.1')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain('last enabled admin');
    expect((await runCli(['users', 'enable', 'bob'], env)).code).toBe(0);
    expect((await services.auth.login('bob', regenerated.password, '127.0.0.1')).user.id).toBe(bob.id);

    const audit = await services.audit.list({ actor: ACTOR });
    // Runs that went in parallel may have landed in either order.
    const recordedActions = audit.items.map((entry) => `${entry.action} ${entry.target}`).sort();
    expect(recordedActions).toEqual(
      [
        `user.create ${alice.id}`,
        `user.create ${bob.id}`,
        `user.reset_password ${alice.id}`,
        `user.reset_password ${bob.id}`,
        `user.update ${bob.id}`,
        `user.update ${bob.id}`,
      ].sort(),
    );
    // Newest first: the last change was enabling bob again.
    expect(audit.items[0]).toMatchObject({ action: 'user.update', after: { disabled: false } });
    const recorded = JSON.stringify(audit.items);
    for (const secret of [alicePassword, bobPassword, fresh, regenerated.password])
      expect(recorded).not.toContain(secret);
  });
});
