// API key fields: a cursor-paginated list, one key, and the mutations; role and ownership rules live in
// ApiKeyAdmin, so tRPC applies the same ones.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import {
  ApiKeyBindingsInputRef,
  ApiKeyBindingsRef,
  ApiKeyExpiryInputRef,
  ApiKeyExpiryRef,
  ApiKeyLimitsInputRef,
  ApiKeyLimitsRef,
  keySettingsOf,
} from '../schema/types/api-keys.js';
import { ModelMappingInputRef, ModelMappingRef, modelMappingOf } from '../schema/types/model-mapping.js';
import type { IssuedApiKey } from '../services/api-keys/api-key-service.js';
import type { ApiKey, CreateApiKeyInput, UpdateApiKeyInput } from '../services/api-keys/api-key-types.js';
import { idArg, present } from './input.js';
import { connectionOf, pageArgs, toConnection } from './page-info.js';

export const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey').implement({
  description:
    'A relay API key. The key itself is shown once, when created or rotated; `hint` identifies it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    ownerId: t.exposeString('ownerId', { nullable: true }),
    hint: t.exposeString('hint'),
    enabled: t.exposeBoolean('enabled'),
    platforms: t.exposeStringList('platforms'),
    modelAllow: t.exposeStringList('modelAllow'),
    modelDeny: t.exposeStringList('modelDeny'),
    clients: t.exposeStringList('clients'),
    modelMapping: t.field({
      type: [ModelMappingRef],
      description:
        'Requests for `from` are served as `to`: that name picks the pool, meets the restrictions and is billed; ' +
        "then an account's own mapping applies.",
      resolve: (key) => modelMappingOf(key.modelMapping),
    }),
    tags: t.exposeStringList('tags'),
    bindingFallback: t.exposeString('bindingFallback'),
    bodyCapture: t.exposeString('bodyCapture', {
      description:
        "default (REQUEST_LOG_BODIES decides), on or off: whether the request log keeps this key's bodies.",
    }),
    expiry: t.expose('expiry', { type: ApiKeyExpiryRef }),
    limits: t.expose('limits', { type: ApiKeyLimitsRef }),
    bindings: t.expose('bindings', { type: ApiKeyBindingsRef }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => new Date(key.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (key) => new Date(key.updatedAt) }),
  }),
});

const IssuedApiKeyRef = builder.objectRef<IssuedApiKey>('IssuedApiKey').implement({
  fields: (t) => ({
    key: t.field({ type: ApiKeyRef, resolve: (issued) => issued.key }),
    plaintext: t.exposeString('plaintext', { description: 'The full key: shown this once, never again.' }),
  }),
});

/** A page of keys; pass `pageInfo.endCursor` as `after` for the next one. */
const ApiKeyConnection = connectionOf('ApiKey', ApiKeyRef);

const keyFields = (t: PothosInputFields) => ({
  name: t.string(),
  description: t.string(),
  ownerId: t.string(),
  enabled: t.boolean(),
  platforms: t.stringList(),
  modelAllow: t.stringList(),
  modelDeny: t.stringList(),
  clients: t.stringList(),
  modelMapping: t.field({
    type: [ModelMappingInputRef],
    description:
      'What each model is served as; on update it replaces the mapping whole (an empty list clears it).',
  }),
  tags: t.stringList(),
  bindingFallback: t.string(),
  bodyCapture: t.string({ description: 'default, on or off.' }),
  expiry: t.field({ type: ApiKeyExpiryInputRef }),
  limits: t.field({ type: ApiKeyLimitsInputRef }),
  bindings: t.field({ type: ApiKeyBindingsInputRef }),
});
type PothosInputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const CreateApiKeyInputRef = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({ ...keyFields(t), name: t.string({ required: true }) }),
});
const UpdateApiKeyInputRef = builder.inputType('UpdateApiKeyInput', { fields: (t) => keyFields(t) });

builder.queryField('apiKeys', (t) =>
  t.field({
    type: ApiKeyConnection,
    description: 'Newest first. Members see their own keys only.',
    args: { first: t.arg.int(), after: t.arg.string(), ownerId: t.arg.string() },
    resolve: async (_root, args, context) => {
      const page = await context.services.control.apiKeys.list(requireUser(context), {
        ...pageArgs(args),
        ...(args.ownerId == null ? {} : { ownerId: args.ownerId }),
      });
      return toConnection(page);
    },
  }),
);

builder.queryField('apiKey', (t) =>
  t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.apiKeys.get(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('createApiKey', (t) =>
  t.field({
    type: IssuedApiKeyRef,
    args: { input: t.arg({ type: CreateApiKeyInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { limits, expiry, bindings, modelMapping, ...fields } = present(args.input);
      return context.services.control.apiKeys.create(requireUser(context), {
        ...fields,
        ...keySettingsOf(args.input),
      } as CreateApiKeyInput);
    },
  }),
);

builder.mutationField('updateApiKey', (t) =>
  t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateApiKeyInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { limits, expiry, bindings, modelMapping, ...fields } = present(args.input);
      return context.services.control.apiKeys.update(requireUser(context), idArg(args.id), {
        ...fields,
        ...keySettingsOf(args.input),
      } as UpdateApiKeyInput);
    },
  }),
);

builder.mutationField('rotateApiKey', (t) =>
  t.field({
    type: IssuedApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.apiKeys.rotate(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('deleteApiKey', (t) =>
  t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.apiKeys.delete(requireUser(context), idArg(args.id));
      return true;
    },
  }),
);
