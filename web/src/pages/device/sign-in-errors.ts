// What a refused look-up, approval or denial of a sign-in code means to the person at the verification page:
// a heading by the server's error code, the server's own message under it, and what to do next.
import { RelayGraphQLError } from '@clients/graphql-client';

export interface SignInProblem {
  title: string;
  message: string;
  /** What to do about it, when there is something better than trying again. */
  advice?: string;
  /** The code itself is gone or decided: approving or denying it can no longer succeed. */
  final: boolean;
}

const START_AGAIN = 'Run /login in Claude Code again to get a new code.';

/**
 * `approvingDefault`: the error answers an approval with the default key, where a conflict may also be that key
 * being disabled (the server's message says which), so it is not taken for a decided sign-in.
 */
export function signInProblem(error: Error, approvingDefault = false): SignInProblem {
  const code = error instanceof RelayGraphQLError ? error.code : undefined;
  switch (code) {
    case 'NOT_FOUND':
      return {
        title: 'No sign-in with this code',
        message: error.message,
        advice: `Check it against the code your terminal shows; codes last only minutes. ${START_AGAIN}`,
        final: true,
      };
    case 'CONFLICT':
      if (approvingDefault) return { title: 'Not approved', message: error.message, final: false };
      return {
        title: 'This sign-in is already decided',
        message: error.message,
        advice: START_AGAIN,
        final: true,
      };
    case 'RATE_LIMITED':
      return {
        title: 'Too many codes tried',
        message: error.message,
        advice: 'Sign-in codes can be guessed, so this relay limits the tries from each address.',
        final: false,
      };
    case 'INVALID_REQUEST':
      return { title: 'Not a sign-in code', message: error.message, final: false };
    default:
      return { title: 'Something went wrong', message: error.message, final: false };
  }
}
