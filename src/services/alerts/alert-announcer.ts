// Announces an alert's firing or its end: one entry in the alert history, and one notification to each of the
// rule's channels under an id that names the change (so a second announcement of it is delivered once).
import type { NotificationSink } from '../notify/notification.js';
import { describeAlert, type Facts } from './alert-conditions.js';
import type { AlertFiring } from './alert-firing.js';
import type { AlertCondition, AlertEvent, AlertRule } from './alert-rule-types.js';

export class AlertAnnouncer {
  constructor(
    private readonly firing: AlertFiring,
    private readonly sink: NotificationSink,
  ) {}

  async announce(
    rule: AlertRule,
    subject: string,
    state: 'firing' | 'resolved',
    firedAt: number,
    facts: Facts,
    now: number,
  ): Promise<AlertEvent> {
    const { title, text } = describeAlert(rule, subject, state, facts);
    const event: AlertEvent = {
      id: `${rule.id}:${subject}:${firedAt}:${state}`,
      ruleId: rule.id,
      ruleName: rule.name,
      state,
      subject,
      at: now,
      title,
      text,
      severity: state === 'resolved' ? 'info' : rule.severity,
      facts,
    };
    await this.firing.record(event);
    if (rule.channelIds.length === 0) return event;
    const name = typeof facts.name === 'string' ? { name: facts.name } : {};
    await this.sink.enqueue(
      {
        id: event.id,
        type: state === 'firing' ? 'alert.firing' : 'alert.resolved',
        at: now,
        severity: event.severity,
        title,
        text,
        rule: { id: rule.id, name: rule.name },
        subject: { kind: subjectKind(rule.condition), id: subject, ...name },
        facts,
      },
      rule.channelIds,
    );
    return event;
  }
}

function subjectKind(condition: AlertCondition): 'account' | 'key' | 'model' | 'global' {
  switch (condition.kind) {
    case 'account_state':
      return 'account';
    case 'key_limit':
      return 'key';
    case 'leak':
      return 'global';
    case 'error_rate':
    case 'latency_p95':
    case 'spend_anomaly':
      return condition.scope === 'global' ? 'global' : condition.scope;
  }
}
