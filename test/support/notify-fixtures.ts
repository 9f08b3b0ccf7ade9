// Sample notifications for the notify tests: a firing alert with facts, and variations on it.
import type { Notification } from '../../src/services/notify/notification.js';

let counter = 0;

/** A critical firing alert; each call gets a fresh id unless one is given. */
export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  counter += 1;
  return {
    id: `evt_test_${Date.now()}_${counter}`,
    type: 'alert.firing',
    at: Date.UTC(2026, 0, 2, 3, 4, 5),
    severity: 'critical',
    title: 'Error rate above 5% on account main',
    text: 'The error rate over the last 5 minutes is 12.5%.\nThreshold: 5%.',
    rule: { id: 'rule_1', name: 'High error rate' },
    subject: { kind: 'account', id: 'acc_1', name: 'main' },
    facts: { value: '12.5%', threshold: '5%', window: '5m', requests: 48 },
    ...overrides,
  };
}
