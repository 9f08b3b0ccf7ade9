// `accounts oauth-start|oauth-finish`: add a claude-oauth account by signing in; the tokens are never printed.
import {
  ACCOUNT_SETTING_OPTIONS,
  parseAccountSettings,
  readSecrets,
  secretOptions,
} from '../account-options.js';
import { describeAccount } from '../account-text.js';
import { requiredText } from '../args.js';
import type { Command } from '../command.js';
import { fields, formatTime } from '../output.js';

const FINISH_TOPIC = 'accounts oauth-finish';

export const OAUTH_COMMANDS: readonly Command[] = [
  {
    group: 'accounts',
    action: 'oauth-start',
    summary: 'begin adding a claude-oauth account: prints the sign-in URL and the session to finish it with',
    positionals: [],
    options: {},
    prepare() {
      return async (services) => {
        const started = await services.oauth.start();
        return {
          json: started,
          text: [
            'Open this URL in a browser, sign in, and give the code it shows to "accounts oauth-finish":',
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
    summary: 'create the claude-oauth account from the code shown after signing in (code#state as shown)',
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
        description: 'the code shown after signing in; "-" reads it from stdin',
      },
      name: { type: 'string', value: '<name>', required: true, description: 'a name for the account' },
      ...ACCOUNT_SETTING_OPTIONS,
    },
    prepare(args) {
      const sessionId = requiredText(args, 'session', FINISH_TOPIC);
      const name = requiredText(args, 'name', FINISH_TOPIC);
      const settings = parseAccountSettings(args, FINISH_TOPIC);
      const secrets = secretOptions(args, { code: 'code', proxyPassword: 'proxy-password' }, FINISH_TOPIC);
      return async (services) => {
        const { code = '', proxyPassword } = await readSecrets(secrets);
        const account = await services.oauth.exchange({
          sessionId,
          code,
          account: { ...settings, name, ...(proxyPassword === undefined ? {} : { proxyPassword }) },
        });
        return { json: account, text: `Created account ${account.id}\n${describeAccount(account)}` };
      };
    },
  },
];
