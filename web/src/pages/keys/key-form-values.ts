// Role: the key form's state — what the inputs hold, its defaults, from a stored key and to the API's input.
import type {
  ApiKeyBindingsInput,
  ApiKeyExpiryKind,
  CreateApiKeyInput,
  KeysPageKeyFieldsFragment,
  RateWindowMode,
} from '@clients/generated/graphql/graphql';
import { dollarsToMicros } from '../../components/format';

/** The pools and clients a key can be restricted to (the server's PLATFORMS and CLIENT_KINDS). */
export const PLATFORMS = ['claude', 'gemini', 'openai', 'azure', 'droid'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const CLIENT_KINDS = ['claude-code', 'codex', 'gemini-cli', 'droid'] as const;
export const MODEL_FAMILIES = ['opus', 'sonnet', 'haiku'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** What a member may set on their own keys (the server's MEMBER_FIELDS); the rest is the operators' call. */
export const MEMBER_FIELDS = ['name', 'description', 'enabled', 'tags'] as const;

/** NumberInput's value: a number, or '' while empty. */
export type NumberValue = string | number;

export interface BindingValue {
  kind: 'pool' | 'account' | 'group';
  id: string;
}

export interface KeyFormValues {
  name: string;
  description: string;
  ownerId: string;
  enabled: boolean;
  tags: string[];
  expiryKind: ApiKeyExpiryKind;
  /** `datetime-local` text, in the browser's zone. */
  expiresAt: string;
  activeDays: NumberValue;
  activeHours: NumberValue;
  platforms: string[];
  clients: string[];
  modelAllow: string[];
  modelDeny: string[];
  modelMapping: Array<{ from: string; to: string }>;
  concurrency: NumberValue;
  queueWaiters: NumberValue;
  queueWaitSeconds: NumberValue;
  windowSeconds: NumberValue;
  windowMode: RateWindowMode;
  windowRequests: NumberValue;
  windowTokens: NumberValue;
  windowCostDollars: NumberValue;
  dailyDollars: NumberValue;
  weeklyDollars: NumberValue;
  monthlyDollars: NumberValue;
  totalDollars: NumberValue;
  familyDollars: Record<ModelFamily, NumberValue>;
  bindings: Record<Platform, BindingValue>;
  bindingFallback: string;
  bodyCapture: string;
}

const noBindings = (): Record<Platform, BindingValue> => ({
  claude: { kind: 'pool', id: '' },
  gemini: { kind: 'pool', id: '' },
  openai: { kind: 'pool', id: '' },
  azure: { kind: 'pool', id: '' },
  droid: { kind: 'pool', id: '' },
});

export function emptyKeyForm(): KeyFormValues {
  return {
    name: '',
    description: '',
    ownerId: '',
    enabled: true,
    tags: [],
    expiryKind: 'never',
    expiresAt: '',
    activeDays: 30,
    activeHours: '',
    platforms: [],
    clients: [],
    modelAllow: [],
    modelDeny: [],
    modelMapping: [],
    concurrency: '',
    queueWaiters: '',
    queueWaitSeconds: '',
    windowSeconds: '',
    windowMode: 'sliding',
    windowRequests: '',
    windowTokens: '',
    windowCostDollars: '',
    dailyDollars: '',
    weeklyDollars: '',
    monthlyDollars: '',
    totalDollars: '',
    familyDollars: { opus: '', sonnet: '', haiku: '' },
    bindings: noBindings(),
    bindingFallback: 'fail',
    bodyCapture: 'default',
  };
}

const dollars = (micros: number | null | undefined): NumberValue =>
  micros == null ? '' : micros / 1_000_000;
const number = (value: number | null | undefined): NumberValue => value ?? '';

/** `datetime-local` wants local wall-clock time without a zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function keyFormOf(key: KeysPageKeyFieldsFragment): KeyFormValues {
  const { limits, expiry } = key;
  const bindings = noBindings();
  for (const platform of PLATFORMS) {
    const binding = key.bindings[platform];
    if (binding?.accountId) bindings[platform] = { kind: 'account', id: binding.accountId };
    else if (binding?.groupId) bindings[platform] = { kind: 'group', id: binding.groupId };
  }
  const duration = expiry.durationSeconds ?? 0;
  return {
    ...emptyKeyForm(),
    name: key.name,
    description: key.description ?? '',
    ownerId: key.ownerId ?? '',
    enabled: key.enabled,
    tags: key.tags,
    expiryKind: expiry.kind,
    expiresAt: toLocalInput(expiry.expiresAt),
    activeDays: expiry.kind === 'after_first_use' ? Math.floor(duration / 86_400) : 30,
    activeHours: expiry.kind === 'after_first_use' ? Math.floor((duration % 86_400) / 3600) || '' : '',
    platforms: key.platforms,
    clients: key.clients,
    modelAllow: key.modelAllow,
    modelDeny: key.modelDeny,
    modelMapping: key.modelMapping.map(({ from, to }) => ({ from, to })),
    concurrency: number(limits.concurrency),
    queueWaiters: number(limits.queue?.maxWaiters),
    queueWaitSeconds: limits.queue ? limits.queue.maxWaitMs / 1000 : '',
    windowSeconds: number(limits.window?.seconds),
    windowMode: limits.window?.mode ?? 'sliding',
    windowRequests: number(limits.window?.requests),
    windowTokens: number(limits.window?.tokens),
    windowCostDollars: dollars(limits.window?.costMicros),
    dailyDollars: dollars(limits.dailyCostMicros),
    weeklyDollars: dollars(limits.weeklyCostMicros),
    monthlyDollars: dollars(limits.monthlyCostMicros),
    totalDollars: dollars(limits.totalCostMicros),
    familyDollars: {
      opus: dollars(limits.weeklyCostMicrosByFamily?.opus),
      sonnet: dollars(limits.weeklyCostMicrosByFamily?.sonnet),
      haiku: dollars(limits.weeklyCostMicrosByFamily?.haiku),
    },
    bindings,
    bindingFallback: key.bindingFallback,
    bodyCapture: key.bodyCapture,
  };
}

/** An empty number input is "no limit": left out of the input, which the API reads as not applying. */
function integer(value: NumberValue): number | undefined {
  if (value === '') return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) ? Math.round(parsed) : undefined;
}

function expiryInput(values: KeyFormValues): CreateApiKeyInput['expiry'] {
  if (values.expiryKind === 'fixed') {
    const at = new Date(values.expiresAt);
    // The form refuses an unparseable date before this; left out, the server would name the field anyway.
    return { kind: 'fixed', ...(Number.isNaN(at.getTime()) ? {} : { expiresAt: at.toISOString() }) };
  }
  if (values.expiryKind === 'after_first_use') {
    const seconds = (integer(values.activeDays) ?? 0) * 86_400 + (integer(values.activeHours) ?? 0) * 3600;
    return { kind: 'after_first_use', durationSeconds: seconds };
  }
  return { kind: 'never' };
}

function limitsInput(values: KeyFormValues): NonNullable<CreateApiKeyInput['limits']> {
  const windowSeconds = integer(values.windowSeconds);
  const queueWaiters = integer(values.queueWaiters);
  const queueWaitSeconds = integer(values.queueWaitSeconds);
  const family = Object.fromEntries(
    MODEL_FAMILIES.map((name) => [name, dollarsToMicros(values.familyDollars[name])]).filter(
      ([, micros]) => micros !== undefined,
    ),
  );
  return {
    concurrency: integer(values.concurrency),
    queue:
      queueWaiters === undefined && queueWaitSeconds === undefined
        ? undefined
        : { maxWaiters: queueWaiters ?? 0, maxWaitMs: (queueWaitSeconds ?? 0) * 1000 },
    window:
      windowSeconds === undefined
        ? undefined
        : {
            seconds: windowSeconds,
            mode: values.windowMode,
            requests: integer(values.windowRequests),
            tokens: integer(values.windowTokens),
            costMicros: dollarsToMicros(values.windowCostDollars),
          },
    dailyCostMicros: dollarsToMicros(values.dailyDollars),
    weeklyCostMicros: dollarsToMicros(values.weeklyDollars),
    monthlyCostMicros: dollarsToMicros(values.monthlyDollars),
    totalCostMicros: dollarsToMicros(values.totalDollars),
    weeklyCostMicrosByFamily: Object.keys(family).length > 0 ? family : undefined,
  };
}

function bindingsInput(values: KeyFormValues): ApiKeyBindingsInput {
  const input: ApiKeyBindingsInput = {};
  for (const platform of PLATFORMS) {
    const binding = values.bindings[platform];
    if (binding.kind === 'account' && binding.id) input[platform] = { accountId: binding.id };
    if (binding.kind === 'group' && binding.id) input[platform] = { groupId: binding.id };
  }
  return input;
}

/**
 * The whole key as the form holds it: limits, bindings and lists replace the stored ones whole, so an emptied
 * input clears its setting. Members send only the fields they may set; the server refuses any other.
 */
export function keyInputOf(
  values: KeyFormValues,
  options: { memberOnly: boolean; withOwner: boolean; withEnabled: boolean },
): CreateApiKeyInput {
  const basics: CreateApiKeyInput = {
    name: values.name.trim(),
    description: values.description,
    // The key page switches a key on and off by itself; its settings form must not undo that with a stale value.
    ...(options.withEnabled ? { enabled: values.enabled } : {}),
    tags: values.tags,
  };
  if (options.memberOnly) return basics;
  return {
    ...basics,
    ...(options.withOwner && values.ownerId.trim() ? { ownerId: values.ownerId.trim() } : {}),
    expiry: expiryInput(values),
    platforms: values.platforms,
    clients: values.clients,
    modelAllow: values.modelAllow,
    modelDeny: values.modelDeny,
    modelMapping: values.modelMapping.filter((pair) => pair.from.trim() || pair.to.trim()),
    limits: limitsInput(values),
    bindings: bindingsInput(values),
    bindingFallback: values.bindingFallback,
    bodyCapture: values.bodyCapture,
  };
}

const FORM_FIELDS = [
  ...MEMBER_FIELDS,
  'ownerId',
  'expiry',
  'platforms',
  'clients',
  'modelAllow',
  'modelDeny',
  'modelMapping',
  'limits',
  'bindings',
  'bindingFallback',
  'bodyCapture',
];

/** Whether the form has an input for a path the server refused; if not, the error shows above the buttons. */
export function formShows(field: string, memberOnly: boolean): boolean {
  const head = field.split('.')[0] ?? field;
  return (memberOnly ? MEMBER_FIELDS : FORM_FIELDS).some((name) => name === head);
}

/** The server's message for `path` or anything below it, for the input that stands for that part of the form. */
export { messageUnder as errorAt } from '../../components/field-errors';

/** What each section of the key form gets: the values, a way to change some, and the server's field errors. */
export interface SectionProps {
  values: KeyFormValues;
  change: (patch: Partial<KeyFormValues>) => void;
  errors: Record<string, string>;
}
