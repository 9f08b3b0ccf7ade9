// The signed-in user for the component tree, following the session store (other tabs included).
import { useSyncExternalStore } from 'react';
import { sessions } from './api';
import type { StoredSession } from './session-store';

export function useSession(): StoredSession | undefined {
  return useSyncExternalStore(
    (listener) => sessions.subscribe(listener),
    () => sessions.current(),
  );
}

/** The signed-in user's role, for `can(role, …)`. Pages below the sign-in guard always have one. */
export function useRole() {
  return useSession()?.user.role;
}
