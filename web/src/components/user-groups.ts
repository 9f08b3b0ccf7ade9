// User group names as the server accepts them (names 1-64 lowercase letters, digits, _ . -; at most 20 per
// user), checked before sending so a typo is named beside the field without a round trip.

export const MAX_USER_GROUPS = 20;
const GROUP_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const GROUP_RULE = '1 to 64 lowercase letters, digits, _ . or -';

/** Why `name` is no group name, or undefined when it is one. */
export function groupNameError(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'Name a group';
  if (!GROUP_PATTERN.test(trimmed)) return `“${trimmed}” is not a group name: use ${GROUP_RULE}`;
  return undefined;
}

/** Why a user's list of groups would be refused, or undefined when the server would take it. */
export function groupListError(groups: readonly string[]): string | undefined {
  if (groups.length > MAX_USER_GROUPS) return `At most ${MAX_USER_GROUPS} groups per user`;
  for (const group of groups) {
    const error = groupNameError(group);
    if (error) return error;
  }
  return undefined;
}
