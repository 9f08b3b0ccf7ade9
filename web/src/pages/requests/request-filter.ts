// Any signed-in user: the request log's filter as the URL's search params (shareable), the form's text
// values and the API's RequestLogFilter. Only ids, names and numbers go in the URL: never a key or a body.
import type { RequestLogFilter, RequestOutcome } from '@clients/generated/graphql/graphql';
import { dollarsToMicros } from '../../components/format';

export const OUTCOMES: readonly RequestOutcome[] = [
  'ok',
  'upstream_error',
  'client_aborted',
  'failed_over',
  'instance_lost',
];

/** Every filter field the page offers, each kept as typed (strings) and named so in the URL. */
export const FILTER_FIELDS = [
  'keyId',
  'userId',
  'accountId',
  'platform',
  'clientFormat',
  'upstreamFormat',
  'clientKind',
  'model',
  'outcome',
  'status',
  'errorCode',
  'requestId',
  'clientRequestId',
  'text',
  'minLatencyMs',
  'minTtftMs',
  'minCostUsd',
  'minTokens',
  'minAttempts',
  'from',
  'to',
] as const;

export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterValues = Record<FilterField, string>;

/** Fields only readers may filter by: members see their own keys, never the accounts behind them. */
export const READER_FIELDS: readonly FilterField[] = ['userId', 'accountId'];

export function emptyValues(): FilterValues {
  return Object.fromEntries(FILTER_FIELDS.map((field) => [field, ''])) as FilterValues;
}

/** The URL keeps times as ISO instants (the same moment for whoever opens the link); the form, local time. */
export function valuesFromParams(params: URLSearchParams): FilterValues {
  const values = emptyValues();
  for (const field of FILTER_FIELDS) {
    const value = params.get(field) ?? '';
    values[field] = field === 'from' || field === 'to' ? isoToLocalInput(value) : value;
  }
  return values;
}

export function paramsFromValues(values: FilterValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const value = values[field].trim();
    if (value === '') continue;
    params.set(field, field === 'from' || field === 'to' ? localInputToIso(value) : value);
  }
  return params;
}

/** The API filter; fields that do not parse are left out (the form marks them). */
export function filterFromValues(values: FilterValues, reader: boolean): RequestLogFilter {
  const filter: RequestLogFilter = {};
  const text = (field: FilterField): string | undefined => {
    if (!reader && READER_FIELDS.includes(field)) return undefined;
    const value = values[field].trim();
    return value === '' ? undefined : value;
  };
  const number = (field: FilterField): number | undefined => {
    const value = text(field);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const assign = <K extends keyof RequestLogFilter>(key: K, value: RequestLogFilter[K] | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  assign('keyId', text('keyId'));
  assign('userId', text('userId'));
  assign('accountId', text('accountId'));
  assign('platform', text('platform'));
  assign('clientFormat', text('clientFormat'));
  assign('upstreamFormat', text('upstreamFormat'));
  assign('clientKind', text('clientKind'));
  assign('model', text('model'));
  assign(
    'outcome',
    OUTCOMES.find((outcome) => outcome === text('outcome')),
  );
  assign('status', number('status'));
  assign('errorCode', text('errorCode'));
  assign('requestId', text('requestId'));
  assign('clientRequestId', text('clientRequestId'));
  assign('text', text('text'));
  assign('minLatencyMs', number('minLatencyMs'));
  assign('minTtftMs', number('minTtftMs'));
  assign('minCostMicros', dollarsToMicros(number('minCostUsd')));
  assign('minTokens', number('minTokens'));
  assign('minAttempts', number('minAttempts'));
  const from = text('from');
  const to = text('to');
  assign('from', from === undefined ? undefined : localInputToIso(from) || undefined);
  assign('to', to === undefined ? undefined : localInputToIso(to) || undefined);
  return filter;
}

/** How many filters are set, for the "More filters (n)" label. */
export function countSet(values: FilterValues, fields: readonly FilterField[]): number {
  return fields.filter((field) => values[field].trim() !== '').length;
}

/** `2024-05-01T12:30` in the browser's zone → ISO; '' when it does not parse. */
export function localInputToIso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** ISO → the value a `datetime-local` input shows, in the browser's zone. */
export function isoToLocalInput(value: string): string {
  if (value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (part: number) => String(part).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
