// Text helpers the renderers share: labels, the field list behind an event, bounded lengths, escaping.
import type { Notification, NotificationType, Severity } from '../notification.js';

export const SEVERITY_LABEL: Record<Severity, string> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

export const TYPE_LABEL: Record<NotificationType, string> = {
  'alert.firing': 'Firing',
  'alert.resolved': 'Resolved',
  'channel.test': 'Test',
};

/** One colour family per state, for vendors that colour a card: resolved is green whatever its severity. */
export type Tone = 'red' | 'orange' | 'blue' | 'green';

export function toneOf(notification: Notification): Tone {
  if (notification.type === 'alert.resolved') return 'green';
  switch (notification.severity) {
    case 'critical':
      return 'red';
    case 'warning':
      return 'orange';
    case 'info':
      return 'blue';
  }
}

/** `[Critical] Firing: title` (or `Resolved: title`): the line chat previews and mail subjects show. */
export function headline(notification: Notification): string {
  const prefix = notification.type === 'channel.test' ? 'Test' : TYPE_LABEL[notification.type];
  return `[${SEVERITY_LABEL[notification.severity]}] ${prefix}: ${notification.title}`;
}

/** The fields behind an event, in order: rule, subject, then the facts as given. */
export function fieldsOf(notification: Notification): Array<{ name: string; value: string }> {
  const fields: Array<{ name: string; value: string }> = [];
  if (notification.rule) fields.push({ name: 'Rule', value: notification.rule.name });
  if (notification.subject) {
    const { kind, id, name } = notification.subject;
    fields.push({ name: capitalise(kind), value: name ? `${name} (${id})` : id });
  }
  for (const [name, value] of Object.entries(notification.facts)) fields.push({ name, value: String(value) });
  return fields;
}

/** `Firing · 2026-01-02T03:04:05.000Z`: the footer line of every channel. */
export function footer(notification: Notification): string {
  return `${TYPE_LABEL[notification.type]} · ${new Date(notification.at).toISOString()}`;
}

/** Cuts to at most `max` characters (whole code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Cuts to at most `max` UTF-8 bytes, for vendors that count bytes (WeCom). */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let size = 0;
  for (const point of text) {
    const bytes = Buffer.byteLength(point);
    if (size + bytes > max - 3) break;
    out += point;
    size += bytes;
  }
  return `${out}…`;
}

/** HTML text escaping: `&`, `<`, `>` (and quotes, for attribute values). */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
