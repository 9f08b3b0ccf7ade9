// Model name patterns used by key allow/deny lists and account model support: exact names or `prefix*`.

export function matchesModelPattern(model: string, pattern: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : model === pattern;
}

export function matchesAnyModelPattern(model: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) if (matchesModelPattern(model, pattern)) return true;
  return false;
}
