// What signed-in Claude Code asks the relay besides inference, with its bearer token (a relay key works too,
// speaking for the key's owner): `GET /managed/settings`, the user's managed settings with ETag/304; and
// `POST /v1/metrics`, `/v1/logs`, `/v1/traces`, its OpenTelemetry (OTLP/HTTP, protobuf or JSON), of which
// the relay keeps per-user session, tool and event counts and discards the rest; and `GET /api/oauth/usage`,
// the person's spend against their caps in dollars. Errors in Anthropic's shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AppError } from '../../errors/app-error.js';
import { anthropicErrorShape } from '../../errors/shapes.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext, Route, RouteTable } from '../../http/route-table.js';
import { sendJson } from '../../http/send.js';
import type { TelemetryCounts } from '../../services/gateway/telemetry-counts.js';
import type { ManagedSettingsService } from '../../services/managed-settings/managed-settings-service.js';
import type { UserSpend } from '../../services/spend-limits/user-spend.js';
import type { UserService } from '../../services/users/user-service.js';
import { authenticateHolder } from '../client/authenticate.js';
import type { RelayDeps } from '../relay-deps.js';
import { type OtlpSignal, otlpEncodingOf, readOtlpExport } from './otlp/read-otlp-export.js';
import { usageAnswer } from './usage-endpoint.js';

const unzip = promisify(gunzip);
/** Claude Code's exports are small; a batch past this is not telemetry we keep. */
const OTLP_LIMIT_BYTES = 4 * 1024 * 1024;

export interface GatewayBearerDeps {
  relay: RelayDeps;
  users: UserService;
  managedSettings: ManagedSettingsService;
  telemetry: TelemetryCounts;
  userSpend: UserSpend;
}

/** `If-None-Match` lists entity tags; `*` asks only whether settings exist, and is answered as without it. */
function matchesTag(header: string | undefined, tag: string): boolean {
  if (!header || header.trim() === '*') return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '');
    return value === tag || value === tag.slice(1, -1);
  });
}

function answerExport(res: ServerResponse, protobuf: boolean): void {
  // OTLP/HTTP: a full success is the service's empty response message, in the request's encoding.
  if (protobuf) {
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  } else {
    sendJson(res, 200, {});
  }
}

export function addGatewayBearerRoutes(routes: RouteTable, deps: GatewayBearerDeps): RouteTable {
  const { relay } = deps;
  const route = (handler: Route['handler']): Route => ({ handler, errors: anthropicErrorShape });

  /** The person behind the request, as they are now; undefined for a key nobody owns. */
  const personOf = async (req: IncomingMessage, context: RequestContext) => {
    const holder = await authenticateHolder(req, context, relay);
    if (holder.userId === undefined) return undefined;
    const userId = holder.userId;
    const user = await relay.store.guard(() => deps.users.get(userId));
    if (!user || user.disabled) throw new AppError('unauthenticated', 'This user is disabled');
    return user;
  };

  routes.add(
    'GET',
    '/api/oauth/usage',
    route(async (req, res, context) => {
      const user = await personOf(req, context);
      if (!user) throw new AppError('not_found', 'Usage is reported for people; this key has no owner');
      const rows = await relay.store.guard(() => deps.userSpend.effective([user]));
      sendJson(res, 200, usageAnswer(rows), { 'cache-control': 'no-store' });
    }),
  );

  routes.add(
    'GET',
    '/managed/settings',
    route(async (req, res, context) => {
      const user = await personOf(req, context);
      const resolved = user ? await relay.store.guard(() => deps.managedSettings.forUser(user)) : undefined;
      if (!resolved) throw new AppError('not_found', 'No managed settings apply to this user');
      const tag = `"${resolved.checksum}"`;
      const ifNoneMatch = req.headers['if-none-match'];
      if (matchesTag(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, tag)) {
        res.writeHead(304, { etag: tag, 'cache-control': 'private, no-cache' });
        res.end();
        return;
      }
      sendJson(res, 200, resolved, { etag: tag, 'cache-control': 'private, no-cache' });
    }),
  );

  for (const signal of ['metrics', 'logs', 'traces'] as const satisfies readonly OtlpSignal[]) {
    routes.add(
      'POST',
      `/v1/${signal}`,
      route(async (req, res, context) => {
        const holder = await authenticateHolder(req, context, relay);
        const raw = await readBody(req, Math.min(OTLP_LIMIT_BYTES, relay.settings.bodyLimitBytes));
        const body = await decoded(raw, req.headers['content-encoding']);
        const contentType = req.headers['content-type'];
        const result = readOtlpExport(signal, contentType, body);
        if (!result.ok) throw new AppError('invalid_request', result.message);
        const { summary } = result;
        if (holder.userId !== undefined) {
          const userId = holder.userId;
          await relay.store.guard(() => deps.telemetry.record(userId, summary));
        }
        answerExport(res, otlpEncodingOf(contentType) === 'protobuf');
      }),
    );
  }
  return routes;
}

async function decoded(raw: Buffer, encoding: string | string[] | undefined): Promise<Buffer> {
  const name = (Array.isArray(encoding) ? encoding[0] : encoding)?.trim().toLowerCase();
  if (!name || name === 'identity') return raw;
  if (name !== 'gzip') throw new AppError('unsupported_media_type', `Unsupported content-encoding: ${name}`);
  try {
    return await unzip(raw, { maxOutputLength: OTLP_LIMIT_BYTES });
  } catch {
    throw new AppError('invalid_request', 'The gzip body could not be read, or is larger than 4 MB unpacked');
  }
}
