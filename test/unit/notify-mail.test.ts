// The mail renderer: a one-line subject, a plain-text body and an escaped HTML body.
import { describe, expect, it } from 'vitest';
import { renderMail } from '../../src/services/notify/renderers/smtp.js';
import { sampleNotification } from '../support/notify-fixtures.js';

describe('mail renderer', () => {
  it('writes subject, text and HTML with the facts', () => {
    const mail = renderMail(sampleNotification(), 'red');
    expect(mail.subject).toBe('[Critical] Firing: Error rate above 5% on account main');
    expect(mail.text).toContain('The error rate over the last 5 minutes is 12.5%.');
    expect(mail.text).toContain('window: 5m');
    expect(mail.html).toContain('<th align="left" style="padding:2px 12px 2px 0">threshold</th><td>5%</td>');
  });

  it('keeps the subject on one line and escapes HTML', () => {
    const mail = renderMail(sampleNotification({ title: 'a\r\nBcc: x@y.test', text: '<img src=x>' }), 'blue');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).toContain('&lt;img src=x&gt;');
    expect(mail.html).not.toContain('<img');
  });
});
