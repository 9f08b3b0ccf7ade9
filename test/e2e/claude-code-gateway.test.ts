// The real Claude Code (from npm), started with an empty home directory in a terminal driven through tmux, signs
// in to the relay with `/login`'s cloud gateway: it reads the discovery document, runs the device flow, the
// code on its screen is approved through the control plane's API, and the session then answers a prompt from a
// pooled account, billed to the person and the key the device is bound to. Revoking the device afterwards makes
// the refresh token Claude Code stored fail with invalid_grant.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeBinary } from '../support/claude-code-cli.js';
import { approveSignIn, refreshTokens } from '../support/gateway.js';
import { dataOf, graphql, type SignedInUser, signedInUser } from '../support/graphql.js';
import { createKey, type RelayWithAccount, settled, startRelayWithAccount } from '../support/relay.js';
import { startTmuxTui, type TmuxTui } from '../support/tmux-tui.js';

const STEP_MS = 20_000;

describe('Claude Code signs in through /login → cloud gateway', () => {
  let env: RelayWithAccount;
  let dana: SignedInUser;
  let keyId: string;
  let binary: string;
  let home: string;
  let project: string;
  let tui: TmuxTui | undefined;

  beforeAll(async () => {
    binary = await claudeCodeBinary();
    // A short poll interval keeps the sign-in quick; everything else is the relay's default.
    env = await startRelayWithAccount({ env: { GATEWAY_POLL_INTERVAL_SECONDS: '1' } });
    dana = await signedInUser(env.relay, 'dana', 'member');
    keyId = (await createKey(env.relay, { name: "dana's laptop", ownerId: dana.id })).key.id;
    home = mkdtempSync(path.join(tmpdir(), 'claude-home-'));
    // Claude Code offers the gateway sign-in when its settings name the gateway; plain http is accepted for
    // loopback only.
    mkdirSync(path.join(home, '.claude'));
    writeFileSync(
      path.join(home, '.claude', 'settings.json'),
      JSON.stringify({ forceLoginMethod: 'gateway', forceLoginGatewayUrl: env.relay.url }),
    );
  }, 600_000);
  afterAll(async () => {
    await tui?.kill();
    await env?.stop();
    // Retried: the CLI may still be writing its state into the home directory as it exits.
    for (const dir of [home, project]) if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
  });

  it('signs in, answers a prompt billed to the user and the bound key, and stops refreshing once revoked', async () => {
    const opened = path.join(home, 'opened-urls');
    const browser = path.join(home, 'browser.sh');
    // The browser Claude Code opens for the verification page: records the URL instead.
    writeFileSync(browser, `#!/bin/sh\necho "$1" >> ${JSON.stringify(opened)}\n`, { mode: 0o755 });
    project = mkdtempSync(path.join(tmpdir(), 'claude-project-'));
    // The project folder is trusted beforehand, as a user who has worked in it would have: answering the
    // folder-trust question through the terminal raced with the list being redrawn under the key press.
    writeFileSync(
      path.join(home, '.claude.json'),
      JSON.stringify({ projects: { [project]: { hasTrustDialogAccepted: true } } }),
    );
    const scratch = path.join(home, 'tmp');
    mkdirSync(scratch);
    tui = await startTmuxTui({
      name: 'claude-gateway',
      command: [binary],
      cwd: project,
      env: {
        HOME: home,
        // Its scratch files go where the test cleans up.
        TMPDIR: scratch,
        BROWSER: browser,
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
        ANTHROPIC_API_KEY: undefined,
        ANTHROPIC_AUTH_TOKEN: undefined,
        ANTHROPIC_BASE_URL: undefined,
        TERM: 'xterm-256color',
      },
    });
    const screen = tui;

    await screen.waitFor('To change this later, run /theme', STEP_MS);
    await screen.press('Enter');
    await screen.waitFor(`Gateway:  ${env.relay.url}`, STEP_MS);
    await screen.press('Enter');
    await screen.waitFor('Trust gateway 127.0.0.1?', STEP_MS);
    await screen.press('Up');
    await screen.waitFor('❯ Yes, trust this gateway', STEP_MS);
    await screen.press('Enter');

    const waiting = await screen.waitFor(/Code:\s+([A-Z]{4}-[A-Z]{4})/, STEP_MS);
    const userCode = /Code:\s+([A-Z]{4}-[A-Z]{4})/.exec(waiting)?.[1] ?? '';
    expect(readFileSync(opened, 'utf8')).toContain(`${env.relay.url}/device?user_code=${userCode}`);
    await approveSignIn(env.relay, dana, userCode, keyId);

    await screen.waitFor('Signed in to Cloud gateway as dana', STEP_MS);
    await screen.press('Up');
    await screen.waitFor('❯ Yes, continue', STEP_MS);
    await screen.press('Enter');
    await screen.waitFor('Connected to Cloud gateway', STEP_MS);
    await screen.press('Enter');
    await screen.waitFor('Security notes:', STEP_MS);
    await screen.press('Enter');
    await screen.waitFor('shift+tab to cycle', STEP_MS);
    await screen.type('say hi');
    await screen.press('Enter');
    await screen.waitFor('Hello from the fake upstream.', 60_000);

    // Billed to dana, through the key the device is bound to.
    await settled(env.relay);
    const entries = await env.relay.server.services.requestLog.page({ keyId }, 10, undefined);
    expect(entries.items.length).toBeGreaterThan(0);
    for (const entry of entries.items) expect(entry).toMatchObject({ keyId, userId: dana.id, outcome: 'ok' });
    expect(entries.items.some((entry) => entry.clientFormat === 'anthropic' && entry.usage.output > 0)).toBe(
      true,
    );
    const devices = dataOf<{ nodes: { id: string; surface: string; userAgent: string }[] }>(
      await graphql(env.relay, dana, '{ gatewayDevices { nodes { id surface userAgent } } }'),
      'gatewayDevices',
    );
    expect(devices.nodes).toHaveLength(1);
    expect(devices.nodes[0]).toMatchObject({ surface: 'claude_code', userAgent: 'claude-code/2.1.332' });

    await tui.kill();
    // Revoked in the control plane: the refresh token Claude Code stored no longer works.
    const revoked = await graphql(
      env.relay,
      dana,
      'mutation ($id: ID!) { revokeGatewayDevice(id: $id) { id } }',
      {
        id: devices.nodes[0]?.id,
      },
    );
    expect(dataOf<{ id: string }>(revoked, 'revokeGatewayDevice').id).toBe(devices.nodes[0]?.id);
    const stored = JSON.parse(readFileSync(path.join(home, '.claude', '.credentials.json'), 'utf8')) as {
      enterpriseGateway?: { idpRefreshToken?: string };
    };
    const refreshToken = stored.enterpriseGateway?.idpRefreshToken ?? '';
    expect(refreshToken).toMatch(/^grt_/);
    const refused = await refreshTokens(env.relay, refreshToken);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'invalid_grant' });
  }, 180_000);
});
