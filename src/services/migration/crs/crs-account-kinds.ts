// Every Claude Relay Service account kind the import reads: one row per kind (accounts/<kind>.ts).
import { AZURE_OPENAI_KIND } from './accounts/azure-openai.js';
import { BEDROCK_KIND } from './accounts/bedrock.js';
import { CLAUDE_KIND } from './accounts/claude.js';
import { CCR_KIND, CLAUDE_CONSOLE_KIND } from './accounts/claude-console.js';
import type { CrsAccountKind } from './accounts/crs-account-common.js';
import { DROID_KIND } from './accounts/droid.js';
import { GEMINI_KIND } from './accounts/gemini.js';
import { GEMINI_API_KIND } from './accounts/gemini-api.js';
import { OPENAI_KIND } from './accounts/openai.js';
import { OPENAI_RESPONSES_KIND } from './accounts/openai-responses.js';

export const CRS_ACCOUNT_KINDS: readonly CrsAccountKind[] = [
  CLAUDE_KIND,
  CLAUDE_CONSOLE_KIND,
  CCR_KIND,
  BEDROCK_KIND,
  GEMINI_KIND,
  GEMINI_API_KIND,
  OPENAI_KIND,
  OPENAI_RESPONSES_KIND,
  AZURE_OPENAI_KIND,
  DROID_KIND,
];
