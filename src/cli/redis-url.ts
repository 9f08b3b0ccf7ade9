// A Redis URL as it may be shown: in messages, reports and the audit log, never with its password.
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
