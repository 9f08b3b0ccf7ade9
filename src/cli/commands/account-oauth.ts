// `accounts oauth-start|oauth-finish`: add an OAuth account (claude-oauth, openai-oauth, gemini-oauth) by signing in; the tokens
// are never printed.

import { OAUTH_ACCOUNT_TYPES } from '../../services/accounts/account-types.js';
import { OAUTH_KINDS } from '../../services/accounts/oauth/oauth-kinds.js';
import {
  ACCOUNT_SETTING_OPTIONS,
  parseAccountSettings,
  readSecrets,
  secretOptions,
} from '../account-options.js';
import { describeAccount } from '../account-text.js';
import { choice, requiredText } from '../args.js';
import type { Command } from '../command.js';
import { fields, formatTime } from '../output.js';

const START_TOPIC = 'accounts oauth-start';
const FINISH_TOPIC = 'accounts oauth-finish';

export const OAUTH_COMMANDS: readonly Command[] = [
  {
    group: 'accounts',
    action: 'oauth-start',
    summary: 'begin adding an OAuth account: prints the sign-in URL and the session to finish it with',
    positionals: [],
    options: {
      type: {
        type: 'string',
        value: OAUTH_ACCOUNT_TYPES.join('|'),
        description:
          'which sign-in: claude-oauth (Claude, the default), openai-oauth (ChatGPT, as Codex) or gemini-oauth (Google, as Gemini CLI)',
      },
    },
    prepare(args) {
      const type = choice(args, 'type', OAUTH_ACCOUNT_TYPES, START_TOPIC);
      return async (services, { actor }) => {
        const started = await services.control.accounts.oauthStart(actor, type === undefined ? {} : { type });
        return {
          json: started,
          text: [
            `Open this URL in a browser, sign in, and give "accounts oauth-finish" ${OAUTH_KINDS[started.type].pasteBack}:`,
            '',
            `  ${started.authorizationUrl}`,
            '',
            fields([
              ['session', started.sessionId],
              ['expires', formatTime(started.expiresAt)],
            ]),
            '',
            `  npm run cli -- accounts oauth-finish --session ${started.sessionId} --code - --name <name>`,
          ].join('\n'),
        };
      };
    },
  },
  {
    group: 'accounts',
    action: 'oauth-finish',
    summary: 'create the account oauth-start began, from what the sign-in gave back (code#state, or the URL)',
    positionals: [],
    options: {
      session: {
        type: 'string',
        value: '<id>',
        required: true,
        description: 'the session oauth-start printed',
      },
      code: {
        type: 'string',
        value: '<code>',
        required: true,
        description:
          'the code shown after signing in, or the URL the browser ended on; "-" reads it from stdin',
      },
      name: { type: 'string', value: '<name>', required: true, description: 'a name for the account' },
      ...ACCOUNT_SETTING_OPTIONS,
    },
    prepare(args) {
      const sessionId = requiredText(args, 'session', FINISH_TOPIC);
      const name = requiredText(args, 'name', FINISH_TOPIC);
      const settings = parseAccountSettings(args, FINISH_TOPIC);
      const secrets = secretOptions(args, { code: 'code', proxyPassword: 'proxy-password' }, FINISH_TOPIC);
      return async (services, { actor }) => {
        const { code = '', proxyPassword } = await readSecrets(secrets);
        const account = await services.control.accounts.oauthExchange(actor, {
          sessionId,
          code,
          account: { ...settings, name, ...(proxyPassword === undefined ? {} : { proxyPassword }) },
        });
        return { json: account, text: `Created account ${account.id}\n${describeAccount(account)}` };
      };
    },
  },
];
