// Sends a rendered mail over SMTP with nodemailer, one connection per message, turning the outcome into a
// SendResult; it never throws. Permanent SMTP rejections (5xx) are not retried.
import nodemailer from 'nodemailer';
import type { SmtpConfig } from './channel-types.js';
import type { MailOut } from './renderers/outbound.js';
import type { SendResult } from './send-result.js';

/**
 * nodemailer bounds each phase (connect, greeting, each idle gap) but not the whole conversation; the deadline
 * bounds that, so that a server that drips its answers cannot outlast the delivery's lease.
 */
export async function sendMail(config: SmtpConfig, mail: MailOut, timeoutMs: number): Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === 'implicit',
    requireTLS: config.tls === 'starttls',
    // `none` never upgrades, even when the server offers STARTTLS (a loopback relay without a certificate).
    ignoreTLS: config.tls === 'none',
    ...(config.username === undefined
      ? {}
      : { auth: { user: config.username, pass: config.password ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SendResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, retryable: true, message: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const send = async (): Promise<SendResult> => {
    try {
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      // Some recipients refused is still a delivery; none accepted is not.
      if (info.accepted.length === 0) {
        return {
          ok: false,
          retryable: false,
          message: `the server accepted none of ${config.to.length} recipients`,
        };
      }
      return { ok: true };
    } catch (error) {
      return failure(error);
    }
  };
  try {
    return await Promise.race([send(), deadline]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

function failure(error: unknown): SendResult {
  const responseCode = error instanceof Error ? Reflect.get(error, 'responseCode') : undefined;
  const code = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  const message = error instanceof Error ? error.message : 'sending the mail failed';
  // 5xx replies are permanent (bad login, unknown mailbox, refused sender); 4xx and network errors pass.
  const permanent = typeof responseCode === 'number' && responseCode >= 500;
  return {
    ok: false,
    retryable: !permanent,
    message: typeof code === 'string' ? `${code}: ${message}` : message,
  };
}
