// The sign-in side of Claude Code's gateway protocol: RFC 8414 discovery, the RFC 8628 device flow, the token
// endpoint (device code and refresh grants) and RFC 7009 revocation, plus `/device`, the verification URL a
// person opens, which hands over to the dashboard's page (a signed-in user approves there).
import type { ServerResponse } from 'node:http';
import type { Route, RouteTable } from '../../http/route-table.js';
import { sendJson } from '../../http/send.js';
import type { GatewayService } from '../../services/gateway/gateway-service.js';
import { type DeviceTokens, OAuthRefusal } from '../../services/gateway/gateway-types.js';
import { optionalParameter, readForm, requiredParameter } from './form-body.js';
import { oauthErrorShape, refusalStatus } from './oauth-errors.js';
import { requestAddress, requestOrigin } from './request-origin.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const OAUTH_PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  device: '/oauth/device_authorization',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
  verification: '/device',
} as const;
/** Where the dashboard's verification page lives. */
const VERIFICATION_PAGE = '/admin/device';

export interface GatewayRouteDeps {
  gateway: GatewayService;
  trustProxy: boolean;
}

/** RFC 6749 §5.1: token answers must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function sendTokens(res: ServerResponse, tokens: DeviceTokens): void {
  sendJson(
    res,
    200,
    {
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      expires_in: tokens.expiresInSeconds,
      refresh_token: tokens.refreshToken,
      // Claude Code shows this for the person to confirm who approved the sign-in, then in /status.
      email: tokens.account,
    },
    NO_STORE,
  );
}

function sendRefusal(res: ServerResponse, refusal: OAuthRefusal, grant: 'device' | 'refresh'): void {
  sendJson(
    res,
    refusalStatus(refusal, grant),
    { error: refusal.error, error_description: refusal.description },
    NO_STORE,
  );
}

export function addOAuthRoutes(routes: RouteTable, deps: GatewayRouteDeps): void {
  const route = (handler: Route['handler']): Route => ({ handler, errors: oauthErrorShape });

  routes.add(
    'GET',
    OAUTH_PATHS.metadata,
    route(async (req, res) => {
      const origin = requestOrigin(req, deps.trustProxy);
      sendJson(res, 200, {
        issuer: origin,
        device_authorization_endpoint: `${origin}${OAUTH_PATHS.device}`,
        token_endpoint: `${origin}${OAUTH_PATHS.token}`,
        revocation_endpoint: `${origin}${OAUTH_PATHS.revoke}`,
        grant_types_supported: [DEVICE_GRANT, 'refresh_token'],
        token_endpoint_auth_methods_supported: ['none'],
        revocation_endpoint_auth_methods_supported: ['none'],
      });
    }),
  );

  routes.add(
    'POST',
    OAUTH_PATHS.device,
    route(async (req, res) => {
      const form = await readForm(req);
      const userAgent = req.headers['user-agent'];
      const authorization = await deps.gateway.authorize({
        surface: optionalParameter(form, 'surface', 64),
        userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 200) : undefined,
        address: requestAddress(req, deps.trustProxy),
      });
      const verification = `${requestOrigin(req, deps.trustProxy)}${OAUTH_PATHS.verification}`;
      sendJson(
        res,
        200,
        {
          device_code: authorization.deviceCode,
          user_code: authorization.userCode,
          verification_uri: verification,
          verification_uri_complete: `${verification}?user_code=${encodeURIComponent(authorization.userCode)}`,
          expires_in: authorization.expiresInSeconds,
          interval: authorization.intervalSeconds,
        },
        NO_STORE,
      );
    }),
  );

  routes.add(
    'POST',
    OAUTH_PATHS.token,
    route(async (req, res) => {
      const form = await readForm(req);
      const grantType = requiredParameter(form, 'grant_type', 200);
      if (grantType !== DEVICE_GRANT && grantType !== 'refresh_token') {
        sendJson(
          res,
          400,
          { error: 'unsupported_grant_type', error_description: `Unsupported grant_type: ${grantType}` },
          NO_STORE,
        );
        return;
      }
      const grant = grantType === DEVICE_GRANT ? 'device' : 'refresh';
      try {
        const tokens =
          grant === 'device'
            ? await deps.gateway.exchangeDeviceCode(requiredParameter(form, 'device_code', 200))
            : await deps.gateway.refresh(requiredParameter(form, 'refresh_token', 200));
        sendTokens(res, tokens);
      } catch (error) {
        if (!(error instanceof OAuthRefusal)) throw error;
        sendRefusal(res, error, grant);
      }
    }),
  );

  routes.add(
    'POST',
    OAUTH_PATHS.revoke,
    route(async (req, res) => {
      const form = await readForm(req);
      // RFC 7009 §2.2: an invalid or unknown token is answered 200 too; only a missing one is an error.
      await deps.gateway.revokeToken(requiredParameter(form, 'token', 4096));
      res.writeHead(200, { 'content-length': 0, ...NO_STORE });
      res.end();
    }),
  );

  // The URL the person opens: the dashboard's page, with the code filled in but never submitted for them.
  routes.add(
    'GET',
    OAUTH_PATHS.verification,
    route(async (_req, res, context) => {
      const code = new URLSearchParams(context.query).get('user_code');
      const target = code
        ? `${VERIFICATION_PAGE}?user_code=${encodeURIComponent(code.slice(0, 32))}`
        : VERIFICATION_PAGE;
      res.writeHead(302, { location: target, 'content-length': 0, 'cache-control': 'no-store' });
      res.end();
    }),
  );
}
