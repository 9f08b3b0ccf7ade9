// Bark (iOS push): POST /push with the device key, title, body, interruption level and group.
// https://github.com/Finb/bark-server/blob/master/docs/API_V2.md (`device_key`, `title`, `body`, `level`:
// active, timeSensitive or passive, `group`); the server answers `{code: 200}` when it pushed.
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, headline, type Tone, toneOf, truncate } from './format.js';
import { answerField, type HttpOut, jsonPost } from './outbound.js';

/**
 * Critical alerts break through Focus (`timeSensitive`) but not through mute, which Bark's `critical` level
 * would; resolutions and info only land in the list (`passive`).
 */
const LEVEL: Record<Tone, string> = {
  red: 'timeSensitive',
  orange: 'active',
  blue: 'passive',
  green: 'passive',
};

export function barkPayload(notification: Notification, config: ConfigOf<'bark'>): Record<string, unknown> {
  const lines = [notification.text.trim(), ...fieldsOf(notification).map((f) => `${f.name}: ${f.value}`)];
  return {
    device_key: config.deviceKey,
    title: truncate(headline(notification), 200),
    body: truncate(lines.filter((line) => line !== '').join('\n'), 2000),
    level: LEVEL[toneOf(notification)],
    group: config.group ?? 'llm-relay',
  };
}

function refusal(body: string): string | undefined {
  const code = answerField(body, 'code');
  if (code === undefined || code === 200) return undefined;
  const message = answerField(body, 'message');
  return `Bark refused the push (code ${String(code)}${typeof message === 'string' ? `: ${message}` : ''})`;
}

export function renderBark(notification: Notification, config: ConfigOf<'bark'>): HttpOut {
  return { ...jsonPost(`${config.serverUrl}/push`, barkPayload(notification, config)), refusal };
}
