// Where an Azure OpenAI call goes: the v1 API (`/openai/v1/…`, the deployment named by the body's model) or the
// versioned API (`?api-version=<date>`, chat completions naming the deployment in the path), and which
// deployment serves a model.
import { AppError } from '../../../errors/app-error.js';
import type { StoredAccount } from '../../../services/accounts/account-types.js';
import type { FormatName } from '../../formats/relay-format.js';

/** How an account's `apiVersion` is spoken. */
export type AzureApi =
  /** `/openai/v1/…`; `version` (`preview`, `latest`) is sent as `api-version` when set. */
  | { kind: 'v1'; version: string | undefined }
  /** A dated version (`2024-10-21`, `2025-04-01-preview`), always sent. */
  | { kind: 'versioned'; version: string };

export function azureApi(apiVersion: string | undefined): AzureApi {
  if (apiVersion === undefined || apiVersion === 'v1') return { kind: 'v1', version: undefined };
  if (apiVersion === 'preview' || apiVersion === 'latest') return { kind: 'v1', version: apiVersion };
  return { kind: 'versioned', version: apiVersion };
}

/** The deployment that serves `model`: the account's entry for it, else a deployment of the same name. */
export function deploymentFor(account: StoredAccount, model: string): string {
  const deployments = account.deployments;
  return deployments !== undefined && Object.hasOwn(deployments, model)
    ? (deployments[model] ?? model)
    : model;
}

/**
 * A base URL given as Azure shows it to the openai SDK (`https://<resource>.openai.azure.com/openai/v1`) means the
 * resource endpoint: the relay appends `/openai/…` itself. Any other path (an API gateway's prefix) is kept.
 */
export function resourcePath(basePath: string): string {
  return basePath.replace(/\/openai(\/v1)?$/, '');
}

/** The endpoint's path below the resource, without the query. */
export function endpointPath(api: AzureApi, format: FormatName, deployment: string): string {
  const endpoint =
    format === 'openai-chat' ? 'chat/completions' : format === 'openai-responses' ? 'responses' : '';
  if (endpoint === '')
    throw new AppError('internal', `Azure OpenAI accounts cannot answer ${format} requests`);
  if (api.kind === 'v1') return `/openai/v1/${endpoint}`;
  // The versioned Responses API takes the deployment from the body, like the v1 API.
  if (endpoint === 'responses') return '/openai/responses';
  return `/openai/deployments/${encodeURIComponent(deployment)}/${endpoint}`;
}

/**
 * The query sent upstream: the account's `api-version` (the account, not the client, knows what its resource
 * speaks; a client's own `api-version` is dropped), then the client's other parameters.
 */
export function upstreamQuery(api: AzureApi, clientQuery: string): string {
  const params = new URLSearchParams(clientQuery.startsWith('?') ? clientQuery.slice(1) : clientQuery);
  params.delete('api-version');
  const rest = params.toString();
  const version = api.version === undefined ? '' : `api-version=${encodeURIComponent(api.version)}`;
  const query = [version, rest].filter((part) => part !== '').join('&');
  return query === '' ? '' : `?${query}`;
}
