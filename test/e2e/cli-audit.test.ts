// The admin CLI is a caller of the control plane like GraphQL and tRPC: every change it makes to accounts, keys,
// groups and users lands in the audit log under the CLI's own actor (`cli:<os user>`), secret-free.
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountGroup } from '../../src/services/accounts/account-group-types.js';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { IssuedApiKey } from '../../src/services/api-keys/api-key-service.js';
import type { AuditEntry } from '../../src/services/audit/audit-log.js';
import type { User } from '../../src/services/users/user-types.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';

const ACTOR = `cli:${userInfo().username}`;
const UPSTREAM_SECRET = 'sk-ant-audit-test-SECRET-0123456789';

// Every run is a CLI process compiling the CLI with tsx: over the default timeout on a loaded machine.
describe('admin CLI audit trail', { timeout: 120_000 }, () => {
  let fixture: CliFixture;
  let env: CliEnv;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
  });
  afterEach(() => fixture.cleanup());

  /** Runs a command that must succeed (exit 0), stdin given for secrets read from "-". */
  async function ok(args: readonly string[], stdin?: string): Promise<void> {
    const result = await runCli(args, env, stdin);
    expect(result, `cli ${args.join(' ')}`).toMatchObject({ code: 0 });
  }

  it('records every account, key, group and user change under the CLI actor', async () => {
    const [account, alice] = await Promise.all([
      runCli(
        [
          'accounts',
          'create',
          '--type',
          'claude-console',
          '--name',
          'pool one',
          // Nothing listens on port 1: the connection test below fails at once, and stays on this machine.
          '--base-url',
          'http://127.0.0.1:1',
          '--api-key',
          '-',
          '--json',
        ],
        env,
        `${UPSTREAM_SECRET}\n`,
      ).then((result) => JSON.parse(result.stdout) as Account),
      runCliJson<{ user: User }>(['users', 'create', 'alice', '--role', 'member'], env).then(
        (created) => created.user,
      ),
    ]);
    const [group, issued] = await Promise.all([
      runCliJson<AccountGroup>(['groups', 'create', '--name', 'team', '--member', account.id], env),
      runCliJson<IssuedApiKey>(['keys', 'create', '--name', 'ci', '--owner', alice.id], env),
    ]);
    const key = issued.key.id;

    // Changes to different records run side by side; those to one record run in order.
    await Promise.all([
      (async () => {
        await ok(['accounts', 'disable', account.id, '--reason', 'maintenance']);
        await ok(['accounts', 'enable', account.id]);
        await ok(['accounts', 'reset', account.id]);
        const tested = await runCli(['accounts', 'test', account.id], env);
        expect(tested.code).toBe(1);
      })(),
      (async () => {
        await ok(['keys', 'update', key, '--concurrency', '3', '--bind-group', group.id]);
        await ok(['keys', 'disable', key]);
        await ok(['keys', 'enable', key]);
        await ok(['keys', 'rotate', key]);
      })(),
      (async () => {
        await ok(['groups', 'remove', group.id, account.id]);
        await ok(['groups', 'add', group.id, account.id]);
      })(),
      ok(['users', 'disable', 'alice']),
      ok(['accounts', 'oauth-start']),
    ]);
    await ok(['groups', 'delete', group.id]);

    const services = await fixture.servicesLikeCli();
    const { items } = await services.audit.list({ limit: 500 });
    const done = (target: string) =>
      items
        .filter((entry) => entry.target === target)
        .map((entry) => entry.action)
        .reverse();

    expect(items.map((entry) => entry.actor)).toEqual(items.map(() => ACTOR));
    expect
      .soft(done(account.id))
      .toEqual(['account.create', 'account.disable', 'account.enable', 'account.reset', 'account.test']);
    expect
      .soft(done(key))
      .toEqual(['api_key.create', 'api_key.update', 'api_key.update', 'api_key.update', 'api_key.rotate']);
    expect
      .soft(done(group.id))
      .toEqual(['group.create', 'group.remove_members', 'group.add_members', 'group.delete']);
    expect.soft(done(alice.id)).toEqual(['user.create', 'user.update']);
    expect.soft(items.filter((entry) => entry.action === 'account.oauth_start')).toHaveLength(1);

    // What changed is there to read; the secrets are not.
    const byAction = (action: string): AuditEntry | undefined =>
      items.find((entry) => entry.action === action);
    expect(byAction('account.disable')?.after).toMatchObject({
      state: { kind: 'disabled', reason: 'maintenance' },
    });
    expect(byAction('api_key.rotate')?.before).toMatchObject({ id: key, limits: { concurrency: 3 } });
    const recorded = JSON.stringify(items);
    expect(recorded).not.toContain(UPSTREAM_SECRET);
    expect(recorded).not.toContain(issued.plaintext);
    expect(recorded).not.toContain('sealedSecrets');
  });
});
