// Picks the renderer for a channel's kind: one notification in, one HTTP request or mail out.
import { assertNever } from '../../../lib/assert-never.js';
import type { ChannelConfig } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { renderBark } from './bark.js';
import { renderDingtalk } from './dingtalk.js';
import { renderDiscord } from './discord.js';
import { renderFeishu } from './feishu.js';
import { toneOf } from './format.js';
import type { Outbound, RenderContext } from './outbound.js';
import { renderSlack } from './slack.js';
import { renderMail } from './smtp.js';
import { renderTelegram } from './telegram.js';
import { renderWebhook } from './webhook.js';
import { renderWecom } from './wecom.js';

export function render(notification: Notification, config: ChannelConfig, context: RenderContext): Outbound {
  switch (config.kind) {
    case 'webhook':
      return renderWebhook(notification, config, context);
    case 'slack':
      return renderSlack(notification, config);
    case 'discord':
      return renderDiscord(notification, config);
    case 'feishu':
      return renderFeishu(notification, config, context);
    case 'dingtalk':
      return renderDingtalk(notification, config, context);
    case 'wecom':
      return renderWecom(notification, config);
    case 'telegram':
      return renderTelegram(notification, config);
    case 'bark':
      return renderBark(notification, config);
    case 'smtp':
      return renderMail(notification, toneOf(notification));
    default:
      return assertNever(config);
  }
}
