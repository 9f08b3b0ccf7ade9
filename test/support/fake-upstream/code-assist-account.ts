// The fake Code Assist account of one fake upstream: its project, onboarding state and operation, per-method call
// counters and the set-up methods' own scenario queues.
import type {
  CodeAssistMethod,
  CodeAssistSetupMethod,
  CodeAssistTierState,
  FakeCodeAssist,
  Scenario,
  StartFakeUpstreamOptions,
} from './types.js';

export const DEFAULT_CODE_ASSIST_PROJECT = 'fake-project-123';

export interface Operation {
  name: string;
  /** Polls still answered `done: false`. */
  pollsLeft: number;
}

export const NO_SCENARIO: Scenario = Object.freeze({});

function zeroCalls(): Record<CodeAssistMethod, number> {
  return {
    generateContent: 0,
    streamGenerateContent: 0,
    countTokens: 0,
    loadCodeAssist: 0,
    onboardUser: 0,
    getOperation: 0,
    retrieveUserQuota: 0,
    listExperiments: 0,
    getCodeAssistGlobalUserSetting: 0,
    setCodeAssistGlobalUserSetting: 0,
    recordCodeAssistMetrics: 0,
  };
}

/** One fake upstream's Code Assist account. */
export class CodeAssistAccount implements FakeCodeAssist {
  project: string;
  state: CodeAssistTierState;
  onboardPendingPolls = 0;
  readonly calls = zeroCalls();
  /** The onboarding operation, once onboardUser started one. */
  operation: Operation | undefined;
  private readonly queues = new Map<CodeAssistSetupMethod, Scenario[]>();

  constructor(private readonly options: StartFakeUpstreamOptions) {
    this.project = options.codeAssistProject ?? DEFAULT_CODE_ASSIST_PROJECT;
    this.state = options.codeAssistState ?? 'onboarded';
  }

  enqueue(method: CodeAssistSetupMethod, ...scenarios: Scenario[]): void {
    const queue = this.queues.get(method) ?? [];
    queue.push(...scenarios);
    this.queues.set(method, queue);
  }

  nextScenario(method: CodeAssistSetupMethod): Scenario {
    return this.queues.get(method)?.shift() ?? NO_SCENARIO;
  }

  /** Back to the options: state, project, counters, queues and the operation. */
  reset(): void {
    this.project = this.options.codeAssistProject ?? DEFAULT_CODE_ASSIST_PROJECT;
    this.state = this.options.codeAssistState ?? 'onboarded';
    this.onboardPendingPolls = 0;
    Object.assign(this.calls, zeroCalls());
    this.operation = undefined;
    this.queues.clear();
  }
}

const accounts = new WeakMap<StartFakeUpstreamOptions, CodeAssistAccount>();

/** The Code Assist account of the fake upstream started with these (its own copy of the) options. */
export function codeAssistAccount(options: StartFakeUpstreamOptions): CodeAssistAccount {
  let account = accounts.get(options);
  if (account === undefined) {
    account = new CodeAssistAccount(options);
    accounts.set(options, account);
  }
  return account;
}
