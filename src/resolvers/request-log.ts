// The request log over GraphQL: its entries, the filtered and paged query, one request with its attempts, and
// the live tail with the same filter. Scoping rules in RequestLogAdmin and LiveAccess.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { RequestLogDetail } from '../services/control/request-log-admin.js';
import type { LedgerEvent } from '../services/live/live-feed.js';
import type { CapturedBodies } from '../services/request-log/body-capture.js';
import type { RequestLogFilterInput } from '../services/request-log/request-log-filter.js';
import type { LedgerEntry, StoredLedgerEntry } from '../services/usage/ledger-entry.js';
import { OUTCOMES } from '../services/usage/usage-types.js';
import { present } from './input.js';
import { connectionOf, toConnection } from './page-info.js';
import { KeyHolderRef } from './usage.js';

const OutcomeEnum = builder.enumType('RequestOutcome', {
  description:
    'ok; client_aborted (the client left; tokens billed so far); upstream_error; failed_over (an attempt ' +
    'another account took over); instance_lost (its instance died; estimated by the reconciler).',
  values: OUTCOMES,
});

const RequestLogEntryRef = builder.objectRef<LedgerEntry & { id?: string }>('RequestLogEntry').implement({
  description: 'One relayed request (or one attempt of it that failed over), as settled.',
  fields: (t) => ({
    id: t.id({
      nullable: true,
      description: 'Its place in the log (a page cursor); null on live events.',
      resolve: (entry) => entry.id ?? null,
    }),
    requestId: t.exposeString('requestId', {
      description:
        'The relay\'s id, sent to the client as x-request-id; failed-over attempts are "<id>~<n>".',
    }),
    at: t.field({ type: 'DateTime', resolve: (entry) => new Date(entry.at) }),
    keyId: t.exposeString('keyId'),
    userId: t.exposeString('userId', { nullable: true, description: "The key's owner." }),
    accountId: t.exposeString('accountId', { nullable: true }),
    platform: t.exposeString('platform'),
    clientFormat: t.exposeString('clientFormat', { description: 'The API format the client spoke.' }),
    upstreamFormat: t.exposeString('upstreamFormat', {
      nullable: true,
      description: 'The format the account was sent; differs from clientFormat when translated.',
    }),
    clientKind: t.exposeString('clientKind', {
      nullable: true,
      description: 'claude-code, codex, gemini-cli or droid, as the headers tell; null for others.',
    }),
    model: t.exposeString('model', { description: 'The model asked for (after the key mapping).' }),
    upstreamModel: t.exposeString('upstreamModel', { description: 'The model sent upstream (priced).' }),
    inputTokens: t.float({ resolve: (entry) => entry.usage.input }),
    outputTokens: t.float({ resolve: (entry) => entry.usage.output }),
    cacheReadTokens: t.float({ resolve: (entry) => entry.usage.cacheRead }),
    cacheWrite5mTokens: t.float({ resolve: (entry) => entry.usage.cacheWrite5m }),
    cacheWrite1hTokens: t.float({ resolve: (entry) => entry.usage.cacheWrite1h }),
    reasoningTokens: t.float({
      nullable: true,
      description:
        'Output tokens spent on reasoning (part of outputTokens), where the provider reports them.',
      resolve: (entry) => entry.usage.reasoning ?? null,
    }),
    costMicros: t.exposeFloat('costMicros', { description: 'Cost in millionths of a US dollar.' }),
    priced: t.boolean({ resolve: (entry) => entry.prices !== undefined }),
    priceVersion: t.exposeString('priceVersion', { nullable: true }),
    outcome: t.field({ type: OutcomeEnum, resolve: (entry) => entry.outcome }),
    estimated: t.exposeBoolean('estimated', {
      description: 'Tokens partly estimated: the stream ended before the final usage came.',
    }),
    status: t.exposeInt('status'),
    stream: t.exposeBoolean('stream'),
    latencyMs: t.exposeFloat('latencyMs'),
    ttftMs: t.exposeFloat('ttftMs', { nullable: true }),
    attempts: t.exposeInt('attempts', { description: 'Accounts tried: more than 1 when it failed over.' }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    clientRequestId: t.exposeString('clientRequestId', {
      nullable: true,
      description: "The client's own x-request-id, when it sent one: for correlation only.",
    }),
  }),
});

const RequestLogConnection = connectionOf('RequestLogEntry', RequestLogEntryRef);

builder.objectField(KeyHolderRef, 'recentRequests', (t) =>
  t.field({
    type: [RequestLogEntryRef],
    description: "The key's latest requests, newest first, without the accounts that served them.",
    args: { first: t.arg.int({ defaultValue: 20, description: '1 to 500.' }) },
    resolve: (key, args, context) => context.services.control.requestLog.forKeyHolder(key, args.first ?? 20),
  }),
);

const RequestLogDetailRef = builder.objectRef<RequestLogDetail>('RequestLogDetail').implement({
  fields: (t) => ({
    entry: t.field({ type: RequestLogEntryRef, resolve: (detail) => detail.entry }),
    attempts: t.field({
      type: [RequestLogEntryRef],
      description: 'The attempts that failed over before the answer, oldest first.',
      resolve: (detail) => detail.attempts,
    }),
  }),
});

const CapturedBodiesRef = builder.objectRef<CapturedBodies>('CapturedBodies').implement({
  description: "A request's captured bodies, secrets taken out, each cut to REQUEST_LOG_BODY_MAX_BYTES.",
  fields: (t) => ({
    requestId: t.exposeString('requestId'),
    at: t.field({ type: 'DateTime', resolve: (bodies) => new Date(bodies.at) }),
    request: t.exposeString('request'),
    requestTruncated: t.exposeBoolean('requestTruncated'),
    response: t.exposeString('response', {
      description: 'What the client was sent (for streams, the events).',
    }),
    responseTruncated: t.exposeBoolean('responseTruncated'),
  }),
});

const RequestLogEventRef = builder.objectRef<LedgerEvent>('RequestLogEvent').implement({
  description: 'One request as it is written to the request log.',
  fields: (t) => ({
    entry: t.field({ type: RequestLogEntryRef, resolve: (event) => event }),
    dropped: t.exposeInt('dropped', {
      description: 'Events this subscription missed since the previous one because it read too slowly.',
    }),
  }),
});

const RequestLogFilterRef = builder.inputType('RequestLogFilter', {
  description: 'Every field narrows; text matches all its words in the error message, case-insensitively.',
  fields: (t) => ({
    keyId: t.id(),
    userId: t.id(),
    accountId: t.id(),
    platform: t.string(),
    clientFormat: t.string(),
    upstreamFormat: t.string(),
    clientKind: t.string(),
    model: t.string({ description: 'The model asked for, or the one sent upstream.' }),
    outcome: t.field({ type: OutcomeEnum }),
    status: t.int(),
    errorCode: t.string(),
    requestId: t.string({ description: 'A request id: the request and its failed-over attempts.' }),
    clientRequestId: t.string(),
    text: t.string(),
    minLatencyMs: t.float(),
    minTtftMs: t.float(),
    minCostMicros: t.float(),
    minTokens: t.float(),
    minAttempts: t.int(),
    from: t.field({ type: 'DateTime', description: 'Arrived at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Arrived at or before.' }),
  }),
});

type FilterArg = typeof RequestLogFilterRef.$inferInput;

/** GraphQL's filter as the services take it: no nulls, ids as strings, times in ms. */
function filterOf(input: FilterArg | null | undefined): RequestLogFilterInput {
  const { from, to, keyId, userId, accountId, ...rest } = present(input ?? {});
  return {
    ...rest,
    ...(keyId === undefined ? {} : { keyId: String(keyId) }),
    ...(userId === undefined ? {} : { userId: String(userId) }),
    ...(accountId === undefined ? {} : { accountId: String(accountId) }),
    ...(from === undefined ? {} : { from: from.getTime() }),
    ...(to === undefined ? {} : { to: to.getTime() }),
  };
}

builder.queryField('requestLog', (t) =>
  t.field({
    type: RequestLogConnection,
    description:
      'Newest first. Past the archive, a page examines a bounded stretch of the Redis window, so a rare ' +
      'filter may give a short page with hasNextPage still true. Members see their own keys only.',
    args: { filter: t.arg({ type: RequestLogFilterRef }), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) => {
      const page = await context.services.control.requestLog.list(requireUser(context), {
        ...filterOf(args.filter),
        ...(args.first == null ? {} : { first: args.first }),
        ...(args.after == null ? {} : { after: args.after }),
      });
      return toConnection<StoredLedgerEntry>(page);
    },
  }),
);

builder.queryField('requestLogEntry', (t) =>
  t.field({
    type: RequestLogDetailRef,
    description: 'One request by its id (the x-request-id the relay answered with), with its attempts.',
    args: { requestId: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.requestLog.get(requireUser(context), args.requestId),
  }),
);

builder.queryField('requestLogBodies', (t) =>
  t.field({
    type: CapturedBodiesRef,
    description: "A request's captured bodies while their retention lasts. Admins and operators; audited.",
    args: { requestId: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.requestLog.bodies(requireUser(context), args.requestId),
  }),
);

builder.subscriptionField('requestLogTail', (t) =>
  t.field({
    type: RequestLogEventRef,
    description: 'Every request as it is written, filtered as requestLog is. Members: their own keys only.',
    args: { filter: t.arg({ type: RequestLogFilterRef }) },
    subscribe: (_root, args, context) =>
      context.services.control.live.requestLogTail(requireUser(context), filterOf(args.filter)),
    resolve: (event) => event,
  }),
);
