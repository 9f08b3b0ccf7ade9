// The set-up calls Gemini CLI makes in its Code Assist mode before it sends a prompt (loadCodeAssist,
// onboardUser, quota, experiments, settings, metrics), answered by the relay itself: the relay key stands in for
// the Google sign-in, and the project the CLI is handed is only a name (the relay puts each account's own project
// in every request it sends on). Shapes as Gemini CLI 0.61 reads them (test/fixtures/gemini/code-assist-*).

import { readBody } from '../http/read-body.js';
import type { RouteHandler } from '../http/route-table.js';
import { sendJson } from '../http/send.js';
import { authenticateRequest } from './client/authenticate.js';
import type { RelayDeps } from './relay-deps.js';

/** The project name Gemini CLI is handed; never sent upstream. */
export const RELAY_PROJECT = 'llm-relay';

const TIER = {
  id: 'standard-tier',
  name: 'LLM relay',
  description: 'Gemini through this relay’s pooled accounts',
  userDefinedCloudaicompanionProject: false,
};

/** What each set-up method answers, by the method's name (`POST /v1internal:<method>`). */
const ANSWERS: Readonly<Record<string, unknown>> = {
  loadCodeAssist: {
    currentTier: TIER,
    allowedTiers: [{ ...TIER, isDefault: true }],
    cloudaicompanionProject: RELAY_PROJECT,
  },
  onboardUser: {
    done: true,
    response: { cloudaicompanionProject: { id: RELAY_PROJECT, name: RELAY_PROJECT } },
  },
  // No quota figures: each key's own limits are the relay's answer to a request, not a forecast.
  retrieveUserQuota: { buckets: [] },
  listExperiments: { experimentIds: [], flags: [] },
  fetchAdminControls: {},
  getCodeAssistGlobalUserSetting: { freeTierDataCollectionOptin: false },
  setCodeAssistGlobalUserSetting: { freeTierDataCollectionOptin: false },
  // The CLI's usage metrics: accepted and dropped; the relay records its own.
  recordCodeAssistMetrics: {},
};

export const CODE_ASSIST_SETUP_METHODS = Object.keys(ANSWERS);

/** `params.method` names the set-up method; the relay key must be a working one, as for any relay call. */
export function createCodeAssistSetupHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    await authenticateRequest(req, context, deps);
    // Read whole (it decides nothing here) so the connection stays open for the CLI's next call.
    if (req.method === 'POST') await readBody(req, deps.settings.bodyLimitBytes);
    sendJson(res, 200, ANSWERS[context.params.method ?? ''] ?? {});
  };
}
