// The Google Cloud project a gemini-oauth account's Code Assist calls run in, found as Gemini CLI finds it
// (packages/core/src/code_assist/setup.ts): `loadCodeAssist` names it for an account already onboarded; otherwise
// `onboardUser` on the default tier (free tier: without a project, Google assigns one; other tiers: the
// account's configured project), polling the returned operation until it is done. Found once per account and
// access token on this instance; a configured `projectId` is used as it is.
import { AppError } from '../../../errors/app-error.js';
import { upstreamTarget } from '../../upstream/target.js';
import { type ProviderCall, ProviderCallFailure, type ProviderRequest } from '../upstream-provider.js';
import { googleHttpError } from './errors.js';

const METADATA = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };
/** Gemini CLI polls an onboarding operation every 5 s; the relay gives up after a minute. */
const POLL_INTERVAL_MS = 5_000;
const POLL_ATTEMPTS = 12;

/** Per account: the project found with its owner's token (one entry per account, replaced on a new token). */
const found = new Map<string, { token: string; project: Promise<string> }>();

/** The account's project: configured, or discovered once (a failed discovery is tried again next call). */
export function codeAssistProject(call: ProviderCall, token: string): string | Promise<string> {
  const { account } = call.runtime;
  if (account.projectId !== undefined) return account.projectId;
  // A re-authorised account may belong to another user: a new token is asked again, and replaces the entry.
  const known = found.get(account.id);
  if (known && known.token === token) return known.project;
  const project = discover(call, token);
  found.set(account.id, { token, project });
  project.catch(() => {
    if (found.get(account.id)?.project === project) found.delete(account.id);
  });
  return project;
}

async function discover(call: ProviderCall, token: string): Promise<string> {
  const load = await ask(call, token, 'POST', ':loadCodeAssist', { metadata: METADATA });
  if (load.currentTier !== undefined) {
    const project = projectIdOf(load.cloudaicompanionProject);
    if (project) return project;
    throw setupFailure('this Google account has no Code Assist project; set the account’s projectId');
  }
  const tiers = Array.isArray(load.allowedTiers) ? (load.allowedTiers as Array<Record<string, unknown>>) : [];
  const tier = tiers.find((candidate) => candidate.isDefault === true) ?? { id: 'legacy-tier' };
  const tierId = typeof tier.id === 'string' ? tier.id : 'legacy-tier';
  // Google assigns free-tier accounts a project of its own and refuses one given (Precondition Failed).
  if (tierId !== 'free-tier') {
    throw setupFailure(
      `this Google account's Code Assist tier (${tierId}) needs a project; set the account’s projectId`,
    );
  }
  let operation = await ask(call, token, 'POST', ':onboardUser', { tierId, metadata: METADATA });
  for (let attempt = 0; operation.done !== true; attempt += 1) {
    const name = operation.name;
    if (typeof name !== 'string' || attempt >= POLL_ATTEMPTS)
      throw setupFailure('Code Assist onboarding did not finish');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    operation = await ask(call, token, 'GET', `/${name}`, undefined);
  }
  const project = projectIdOf(
    (operation.response as Record<string, unknown> | undefined)?.cloudaicompanionProject,
  );
  if (project) return project;
  throw setupFailure('Code Assist onboarding named no project');
}

/** Code Assist names a project as its id or as `{id, name}`. */
function projectIdOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  const id = (value as Record<string, unknown> | null | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

async function ask(
  call: ProviderCall,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const target = upstreamTarget(call.runtime.account);
  const request: ProviderRequest = {
    origin: target.origin,
    path: `${target.basePath}/v1internal${path}`,
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'accept-encoding': 'identity',
    },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  };
  let answer: { status: number; body: Buffer };
  try {
    answer = await call.ask(request);
  } catch (error) {
    throw new ProviderCallFailure(
      new AppError('upstream_error', 'Code Assist could not be reached to find the account’s project', {
        httpStatus: 502,
        cause: error,
      }),
      { kind: 'transport', timeout: false },
    );
  }
  if (answer.status >= 400) {
    const error = googleHttpError(answer.status, answer.body, {});
    throw new ProviderCallFailure(error, {
      kind: 'answered',
      status: answer.status,
      headers: {},
      message: error.message,
    });
  }
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // The refusal below.
  }
  throw setupFailure('Code Assist answered its setup call with something that is not a JSON object');
}

/** The account cannot serve until its owner acts: the operator sees why, the request moves to another account. */
function setupFailure(message: string): ProviderCallFailure {
  return new ProviderCallFailure(
    new AppError('upstream_error', `The account cannot be used yet: ${message}`, { httpStatus: 502 }),
    { kind: 'credential', message },
  );
}
