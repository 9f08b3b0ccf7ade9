// Email: a subject line, a plain-text body and a simple HTML body with the facts as a table.
import type { Notification } from '../notification.js';
import { escapeHtml, fieldsOf, footer, headline, truncate } from './format.js';
import type { MailOut } from './outbound.js';

const COLOUR = { red: '#d32f2f', orange: '#ef6c00', blue: '#1565c0', green: '#2e7d32' } as const;

export function renderMail(notification: Notification, tone: keyof typeof COLOUR): MailOut {
  // Subjects are one line: a title with a newline would let it add mail headers in a careless client.
  const subject = truncate(headline(notification).replace(/[\r\n]+/g, ' '), 200);
  const fields = fieldsOf(notification);
  const text = [
    headline(notification),
    '',
    notification.text,
    '',
    ...fields.map((field) => `${field.name}: ${field.value}`),
    '',
    footer(notification),
  ].join('\n');
  const rows = fields
    .map(
      (field) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(field.name)}</th>` +
        `<td>${escapeHtml(field.value)}</td></tr>`,
    )
    .join('');
  const html =
    `<div style="font-family:sans-serif">` +
    `<h2 style="color:${COLOUR[tone]}">${escapeHtml(headline(notification))}</h2>` +
    `<p style="white-space:pre-wrap">${escapeHtml(notification.text)}</p>` +
    (rows === '' ? '' : `<table>${rows}</table>`) +
    `<p style="color:#777">${escapeHtml(footer(notification))}</p></div>`;
  return { kind: 'mail', subject, text, html };
}
