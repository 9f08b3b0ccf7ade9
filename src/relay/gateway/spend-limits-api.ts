// `/v1/organizations/spend_limits`: per-user and per-group spend limits in the shape of Anthropic's Admin API
// (the official SDK's `beta.organization.spendLimits` works against it), for operators signed in to the
// control plane (their access token as `Authorization: Bearer` or `x-api-key`). A `user` scope caps one
// person; an `rbac_group` scope is the default cap of the members of a user group. Amounts are US cents as
// decimal strings, as in Anthropic's API. Admission enforces what is set here on the next request.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { anthropicErrorShape } from '../../errors/shapes.js';
import { readBody } from '../../http/read-body.js';
import type { Route, RouteHandler, RouteTable } from '../../http/route-table.js';
import { sendJson } from '../../http/send.js';
import type { AuthService, Principal } from '../../services/auth/auth-service.js';
import type { ControlPlane } from '../../services/control/control-plane.js';
import {
  SPEND_PERIODS,
  type SpendLimit,
  type SpendScope,
} from '../../services/spend-limits/spend-limit-types.js';
import type { EffectiveSpend } from '../../services/spend-limits/user-spend.js';
import { parseJsonObject } from '../formats/wire-body.js';

const BASE = '/v1/organizations/spend_limits';
const MICROS_PER_CENT = 10_000;

export interface SpendLimitRouteDeps {
  auth: AuthService;
  control: ControlPlane;
}

type WireScope = { type: 'user'; user_id: string } | { type: 'rbac_group'; rbac_group_id: string };

function wireScope(scope: SpendScope): WireScope {
  return scope.type === 'user'
    ? { type: 'user', user_id: scope.userId }
    : { type: 'rbac_group', rbac_group_id: scope.group };
}

function wireLimit(limit: SpendLimit) {
  return {
    type: 'spend_limit',
    id: limit.id,
    amount: limit.amountCents === null ? null : String(limit.amountCents),
    currency: 'USD',
    is_enabled: true,
    period: limit.period,
    scope: wireScope(limit.scope),
    created_at: new Date(limit.createdAt).toISOString(),
    updated_at: new Date(limit.updatedAt).toISOString(),
  };
}

/** Cents as a decimal string with up to three places, as Anthropic reports period-to-date spend. */
function cents(micros: number): string {
  return String(Math.round(micros / 10) / 1000);
}

function wireSummary(row: EffectiveSpend) {
  return {
    actor: {
      type: 'user_actor',
      user_id: row.user.id,
      name: row.user.username,
      email_address: null,
      deleted: false,
    },
    amount: row.amountMicros === undefined ? null : String(Math.round(row.amountMicros / MICROS_PER_CENT)),
    currency: 'USD',
    period: row.period,
    period_to_date_spend: cents(row.spentMicros),
    scope: { type: 'user', user_id: row.user.id },
    source: row.source ? wireScope(row.source) : { type: 'user', user_id: row.user.id },
    spend_limit_id: row.limitId ?? null,
  };
}

const setBodySchema = z.object({
  amount: z
    .string()
    .regex(/^\d{1,10}$/, { error: 'must be a whole number of cents as a decimal string, like "50000"' })
    .nullable(),
  period: z.enum(SPEND_PERIODS).optional(),
  scope: z.discriminatedUnion('type', [
    z.object({ type: z.literal('user'), user_id: z.string().min(1).max(100) }),
    z.object({ type: z.literal('rbac_group'), rbac_group_id: z.string().min(1).max(64) }),
  ]),
});

function listParameter(query: URLSearchParams, name: string): string[] | undefined {
  const values = [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((value) => value.split(','));
  const present = values.map((value) => value.trim()).filter((value) => value !== '');
  return present.length > 0 ? present : undefined;
}

async function principalOf(req: IncomingMessage, auth: AuthService): Promise<Principal> {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1];
  const apiKey = req.headers['x-api-key'];
  const token = bearer ?? (typeof apiKey === 'string' ? apiKey.trim() : undefined);
  if (!token) {
    throw new AppError(
      'unauthenticated',
      'Sign in to the control plane and send its access token as a bearer',
    );
  }
  return auth.authenticate(token);
}

export function addSpendLimitRoutes(routes: RouteTable, deps: SpendLimitRouteDeps): RouteTable {
  const limits = deps.control.spendLimits;
  const route = (handler: (actor: Principal, ...rest: Parameters<RouteHandler>) => Promise<void>): Route => ({
    handler: async (req, res, context) => handler(await principalOf(req, deps.auth), req, res, context),
    errors: anthropicErrorShape,
  });

  routes.add(
    'GET',
    BASE,
    route(async (actor, _req, res, context) => {
      const types = listParameter(new URLSearchParams(context.query), 'scope_type');
      const wanted = types?.map((type) => (type === 'rbac_group' ? 'group' : type));
      const all = await limits.list(actor);
      const data = all.filter((limit) => !wanted || wanted.includes(limit.scope.type)).map(wireLimit);
      sendJson(res, 200, { data, next_page: null });
    }),
  );

  routes.add(
    'GET',
    `${BASE}/effective`,
    route(async (actor, _req, res, context) => {
      const query = new URLSearchParams(context.query);
      const periods = listParameter(query, 'period');
      const rows = await limits.effective(actor, listParameter(query, 'user_ids'));
      const data = rows
        .filter((row) => row.source !== undefined && (!periods || periods.includes(row.period)))
        .map(wireSummary);
      sendJson(res, 200, { data, next_page: null });
    }),
  );

  routes.add(
    'POST',
    BASE,
    route(async (actor, req, res) => {
      const parsed = setBodySchema.safeParse(parseJsonObject(await readBody(req, 64 * 1024)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError(
          'invalid_request',
          `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid spend limit'}`,
        );
      }
      const { amount, period, scope } = parsed.data;
      const limit = await limits.set(actor, {
        scope:
          scope.type === 'user'
            ? { type: 'user', userId: scope.user_id }
            : { type: 'group', group: scope.rbac_group_id },
        ...(period === undefined ? {} : { period }),
        amountCents: amount === null ? null : Number(amount),
      });
      sendJson(res, 200, wireLimit(limit));
    }),
  );

  const byId = (path: string) => {
    const prefix = `${BASE}/`;
    if (!path.startsWith(prefix)) return undefined;
    const id = path.slice(prefix.length);
    return /^spl_[A-Za-z0-9]{1,64}$/.test(id) ? { id } : undefined;
  };
  routes.addPattern(
    'GET',
    byId,
    route(async (actor, _req, res, context) => {
      const limit = await limits.get(actor, context.params.id ?? '');
      if (!limit) throw new AppError('not_found', `No such spend limit: ${context.params.id}`);
      sendJson(res, 200, wireLimit(limit));
    }),
  );
  routes.addPattern(
    'DELETE',
    byId,
    route(async (actor, _req, res, context) => {
      const limit = await limits.delete(actor, context.params.id ?? '');
      sendJson(res, 200, { id: limit.id, type: 'spend_limit_deleted' });
    }),
  );
  return routes;
}
