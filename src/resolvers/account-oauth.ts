// Account sign-in fields: start a PKCE sign-in (Claude, ChatGPT as Codex, Google as Gemini CLI), exchange what it gave back for a
// new account, or re-authorise an existing one. Rules live in AccountAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import { type AccountSettingsArgs, accountSettingsOf } from '../schema/types/accounts.js';
import { OAUTH_ACCOUNT_TYPES, type OAuthAccountType } from '../services/accounts/account-types.js';
import type { OAuthAccountFields, OAuthStart } from '../services/accounts/oauth/oauth-flow.js';
import { AccountRef, settingFields } from './accounts.js';
import { idArg, present } from './input.js';

/** The account types that are added by signing in (claude_oauth, openai_oauth, gemini_oauth). */
const OAuthAccountTypeEnum = builder.enumType('OAuthAccountType', {
  values: Object.fromEntries(
    OAUTH_ACCOUNT_TYPES.map((type) => [type.replaceAll('-', '_'), { value: type }]),
  ) as Record<string, { value: OAuthAccountType }>,
});

const OAuthStartRef = builder.objectRef<OAuthStart>('AccountOAuthStart').implement({
  fields: (t) => ({
    sessionId: t.exposeString('sessionId'),
    type: t.field({ type: OAuthAccountTypeEnum, resolve: (start) => start.type }),
    authorizationUrl: t.exposeString('authorizationUrl', {
      description:
        'Open it and sign in, then pass exchangeAccountOAuth what the sign-in gave back: the code Claude shows ' +
        '(code#state) or Google shows, or the URL a ChatGPT sign-in ends on ' +
        '(http://localhost:1455/auth/callback?code=…).',
    }),
    expiresAt: t.field({ type: 'DateTime', resolve: (start) => new Date(start.expiresAt) }),
  }),
});

const OAuthAccountInputRef = builder.inputType('OAuthAccountInput', {
  fields: (t) => ({ ...settingFields(t), proxyPassword: t.string() }),
});

/** The OAuth exchange's account settings as the flow takes them. */
function oauthAccountFieldsOf(input: AccountSettingsArgs & Record<string, unknown>): OAuthAccountFields {
  const { proxy, modelMapping, ...settings } = present(input);
  return { ...settings, ...accountSettingsOf(input) } as OAuthAccountFields;
}

builder.mutationField('startAccountOAuth', (t) =>
  t.field({
    type: OAuthStartRef,
    description:
      'Begins a sign-in (PKCE): Claude (claude_oauth, the default), ChatGPT as Codex (openai_oauth) or Google ' +
      'as Gemini CLI (gemini_oauth). Pass ' +
      'accountId to re-authorise an existing account; it signs in to its own kind.',
    args: { type: t.arg({ type: OAuthAccountTypeEnum }), name: t.arg.string(), accountId: t.arg.id() },
    resolve: (_root, args, context) =>
      context.services.control.accounts.oauthStart(requireUser(context), {
        ...(args.type == null ? {} : { type: args.type }),
        ...(args.name == null ? {} : { name: args.name }),
        ...(args.accountId == null ? {} : { accountId: idArg(args.accountId, 'accountId') }),
      }),
  }),
);

builder.mutationField('exchangeAccountOAuth', (t) =>
  t.field({
    type: AccountRef,
    description:
      'Finishes a sign-in: `code` as pasted (`code#state`, the bare code, or the callback URL). Creates an ' +
      'account of the kind the sign-in was started for.',
    args: {
      sessionId: t.arg.string({ required: true }),
      code: t.arg.string({ required: true }),
      account: t.arg({ type: OAuthAccountInputRef }),
    },
    resolve: (_root, args, context) =>
      context.services.control.accounts.oauthExchange(requireUser(context), {
        sessionId: args.sessionId,
        code: args.code,
        ...(args.account ? { account: oauthAccountFieldsOf(args.account) } : {}),
      }),
  }),
);

builder.mutationField('reauthorizeAccountOAuth', (t) =>
  t.field({
    type: AccountRef,
    args: {
      accountId: t.arg.id({ required: true }),
      sessionId: t.arg.string({ required: true }),
      code: t.arg.string({ required: true }),
    },
    resolve: (_root, args, context) =>
      context.services.control.accounts.oauthReauthorize(requireUser(context), {
        accountId: idArg(args.accountId, 'accountId'),
        sessionId: args.sessionId,
        code: args.code,
      }),
  }),
);
