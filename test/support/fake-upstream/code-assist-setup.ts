// Code Assist's set-up methods: loadCodeAssist, onboardUser and its long-running operation (the free tier, whose
// project Google assigns, completes on the first poll by default), retrieveUserQuota, listExperiments,
// get/setCodeAssistGlobalUserSetting and recordCodeAssistMetrics, in the shapes Gemini CLI was seen to accept.
import { type CodeAssistAccount, codeAssistAccount, type Operation } from './code-assist-account.js';
import {
  checkAuth,
  checkBody,
  codeAssistError,
  errorPlan,
  invalidArgument,
  isoSeconds,
  JSON_HEADERS,
  projectDenied,
  secondsToPacificMidnight,
} from './code-assist-errors.js';
import type { Exchange } from './exchange.js';
import { jsonPlan, newId, type Plan, scenarioOverride, stringField, successStatus } from './plan.js';
import type { CodeAssistSetupMethod } from './types.js';

const FREE_TIER = {
  id: 'free-tier',
  name: 'Gemini Code Assist for individuals',
  description:
    'Gemini Code Assist for individuals is a free, AI-powered coding assistant for individual developers.',
  userDefinedCloudaicompanionProject: false,
};

function onboardedProject(account: CodeAssistAccount) {
  return { id: account.project, name: account.project };
}

function loadCodeAssist(ex: Exchange, account: CodeAssistAccount): Plan {
  const allowedTiers = [{ ...FREE_TIER, isDefault: true }];
  if (account.state === 'onboarded') {
    return jsonPlan(successStatus(ex), JSON_HEADERS, {
      currentTier: { ...FREE_TIER, hasOnboardedPreviously: true },
      allowedTiers,
      cloudaicompanionProject: account.project,
      gcpManaged: false,
    });
  }
  return jsonPlan(successStatus(ex), JSON_HEADERS, { allowedTiers, gcpManaged: false });
}

function operationAnswer(account: CodeAssistAccount, operation: Operation): Record<string, unknown> {
  if (operation.pollsLeft > 0) return { name: operation.name, done: false };
  account.state = 'onboarded';
  return {
    name: operation.name,
    done: true,
    response: {
      '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse',
      cloudaicompanionProject: onboardedProject(account),
    },
  };
}

/** A poll of the operation (GET, or onboardUser again): counts down, then completes it. */
function poll(account: CodeAssistAccount, operation: Operation): Record<string, unknown> {
  const answer = operationAnswer(account, operation);
  if (operation.pollsLeft > 0) operation.pollsLeft--;
  return answer;
}

function onboardUser(ex: Exchange, account: CodeAssistAccount): Plan {
  const method = 'onboardUser';
  const body = ex.body ?? {};
  const tierId = stringField(body, 'tierId');
  if (tierId !== FREE_TIER.id) {
    return invalidArgument(method, tierId === undefined ? 'tierId is required.' : `Invalid tier: ${tierId}`);
  }
  // Free-tier projects are Google-managed: naming one is refused (gemini-cli code_assist/setup.ts).
  if (body.cloudaicompanionProject !== undefined) {
    return errorPlan(method, 400, {
      code: 400,
      message: 'Precondition Failed',
      status: 'FAILED_PRECONDITION',
    });
  }
  const status = successStatus(ex);
  if (account.state === 'onboarded' && account.operation === undefined) {
    account.operation = { name: `operations/${newId('onboard-')}`, pollsLeft: 0 };
    return jsonPlan(status, JSON_HEADERS, operationAnswer(account, account.operation));
  }
  if (account.operation !== undefined)
    return jsonPlan(status, JSON_HEADERS, poll(account, account.operation));
  account.operation = { name: `operations/${newId('onboard-')}`, pollsLeft: account.onboardPendingPolls };
  return jsonPlan(status, JSON_HEADERS, { name: account.operation.name, done: false });
}

function getOperation(ex: Exchange, account: CodeAssistAccount, name: string): Plan {
  const operation = account.operation;
  if (operation === undefined || operation.name !== name) {
    return errorPlan('getOperation', 404, {
      code: 404,
      message: 'Requested entity was not found.',
      status: 'NOT_FOUND',
    });
  }
  return jsonPlan(successStatus(ex), JSON_HEADERS, poll(account, operation));
}

function retrieveUserQuota(ex: Exchange, account: CodeAssistAccount): Plan {
  const project = stringField(ex.body, 'project') ?? '';
  if (account.state !== 'onboarded' || project !== account.project) {
    return errorPlan('retrieveUserQuota', 403, projectDenied(project));
  }
  const resetTime = isoSeconds(Date.now() + secondsToPacificMidnight() * 1000);
  const bucket = (modelId: string) => ({ modelId, tokenType: 'REQUESTS', remainingFraction: 1, resetTime });
  return jsonPlan(successStatus(ex), JSON_HEADERS, {
    buckets: [bucket('gemini-2.5-pro'), bucket('gemini-2.5-flash')],
  });
}

export function setup(ex: Exchange, method: CodeAssistSetupMethod, operationName: string | undefined): Plan {
  const account = codeAssistAccount(ex.options);
  const early =
    checkAuth(ex, method) ??
    (method === 'getOperation' || method === 'getCodeAssistGlobalUserSetting'
      ? undefined
      : checkBody(ex, method)) ??
    scenarioOverride(ex, () => JSON_HEADERS, codeAssistError(method));
  if (early !== undefined) return early;
  const status = successStatus(ex);
  switch (method) {
    case 'loadCodeAssist':
      return loadCodeAssist(ex, account);
    case 'onboardUser':
      return onboardUser(ex, account);
    case 'getOperation':
      return getOperation(ex, account, operationName ?? '');
    case 'retrieveUserQuota':
      return retrieveUserQuota(ex, account);
    case 'listExperiments':
      return jsonPlan(status, JSON_HEADERS, { experimentIds: [], flags: [] });
    case 'getCodeAssistGlobalUserSetting':
      return jsonPlan(status, JSON_HEADERS, {
        cloudaicompanionProject: account.project,
        freeTierDataCollectionOptin: true,
      });
    case 'setCodeAssistGlobalUserSetting':
      return jsonPlan(status, JSON_HEADERS, ex.body ?? {});
    case 'recordCodeAssistMetrics':
      return jsonPlan(status, JSON_HEADERS, {});
  }
}
