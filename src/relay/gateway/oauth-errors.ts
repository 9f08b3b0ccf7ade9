// The OAuth endpoints' error body, `{error, error_description}` (RFC 6749 §5.2, RFC 8628 §3.5): the shape
// Claude Code's sign-in reads. Refusals of the flow itself carry their own code; anything else the relay
// refuses (a bad form, a body too large, Redis away) is named by the nearest OAuth code.
import type { AppError } from '../../errors/app-error.js';
import type { ErrorShape } from '../../errors/error-shape.js';
import type { OAuthRefusal } from '../../services/gateway/gateway-types.js';

function oauthCode(error: AppError): string {
  if (error.httpStatus >= 500) return 'server_error';
  if (error.code === 'rate_limited') return 'slow_down';
  if (error.code === 'unauthenticated') return 'invalid_grant';
  return 'invalid_request';
}

export const oauthErrorShape: ErrorShape = {
  name: 'oauth',
  body: (error) => ({ error: oauthCode(error), error_description: error.message }),
  // The OAuth endpoints never stream.
  streamFrame: () => '',
};

/**
 * The status a flow refusal is answered with: 400 as RFC 8628 has it, except a refresh refused for good,
 * which Claude Code's protocol asks as 401 so the client drops the credential and signs in again.
 */
export function refusalStatus(refusal: OAuthRefusal, grant: 'device' | 'refresh'): number {
  return grant === 'refresh' && refusal.error === 'invalid_grant' ? 401 : 400;
}
