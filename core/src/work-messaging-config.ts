/**
 * Messages to a person by name through the messaging their organisation runs (Web Push reaches
 * few phones in China): DingTalk 工作通知, WeCom 应用消息 and an SMS gateway. Each is on when its
 * settings are given; secrets come from the environment, never from the repository.
 */
export type WorkChannelKind = 'dingtalk' | 'wecom' | 'sms';
export const WORK_CHANNEL_KINDS: readonly WorkChannelKind[] = ['dingtalk', 'wecom', 'sms'];

export interface WorkMessagingConfig {
  /** DingTalk 工作通知: the app's AppKey/AppSecret fetch the token; AgentId names the app. */
  dingtalk?: { appKey: string; appSecret: string; agentId: number; apiUrl: string };
  /** WeCom 应用消息: the corp id and the app's secret fetch the token; AgentId names the app. */
  wecom?: { corpId: string; corpSecret: string; agentId: number; apiUrl: string };
  /** Any SMS gateway behind a webhook: JSON `{ phone, text }`, HMAC-signed when a secret is set. */
  sms?: { url: string; secret: string | null };
}

export const DINGTALK_API_URL = 'https://oapi.dingtalk.com';
export const WECOM_API_URL = 'https://qyapi.weixin.qq.com';

export const WORK_MESSAGING_DOC: Record<string, string> = {
  GRIDSENSE_DINGTALK_APP_KEY:
    'DingTalk 工作通知: the internal app AppKey (with APP_SECRET and AGENT_ID; default: off)',
  GRIDSENSE_DINGTALK_APP_SECRET: 'DingTalk: the app AppSecret',
  GRIDSENSE_DINGTALK_AGENT_ID: 'DingTalk: the app AgentId',
  GRIDSENSE_DINGTALK_API_URL: `DingTalk: the API address (default ${DINGTALK_API_URL})`,
  GRIDSENSE_WECOM_CORP_ID: 'WeCom 应用消息: the corp id (with CORP_SECRET and AGENT_ID; default: off)',
  GRIDSENSE_WECOM_CORP_SECRET: "WeCom: the app's Secret",
  GRIDSENSE_WECOM_AGENT_ID: 'WeCom: the app AgentId',
  GRIDSENSE_WECOM_API_URL: `WeCom: the API address (default ${WECOM_API_URL})`,
  GRIDSENSE_SMS_WEBHOOK_URL: 'SMS gateway webhook: POST { phone, text } per message (default: off)',
  GRIDSENSE_SMS_WEBHOOK_SECRET: 'SMS gateway: HMAC key for X-GridSense-Signature (default: unsigned)',
};

/** Reads the work-messaging settings, adding each problem to `issues` (startup errors, for the log). */
export function parseWorkMessaging(
  env: Record<string, string | undefined>,
  issues: string[],
): WorkMessagingConfig {
  const value = (key: string) => env[key]?.trim() || undefined;
  const httpUrl = (key: string, fallback?: string): string | undefined => {
    const raw = value(key) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      if (!['http:', 'https:'].includes(new URL(raw).protocol)) issues.push(`${key}: must be an http(s) URL`);
    } catch {
      issues.push(`${key}: must be an http(s) URL`);
    }
    return raw.replace(/\/+$/, '');
  };
  const agentId = (key: string): number => {
    const raw = value(key);
    const id = Number(raw);
    if (!raw || !Number.isSafeInteger(id) || id < 1) issues.push(`${key}: must be the app's numeric AgentId`);
    return id;
  };
  /** A group of settings: all of `required` or none. */
  const group = (prefix: string, required: string[]): boolean => {
    const given = required.filter((key) => value(key) !== undefined);
    if (given.length > 0 && given.length < required.length)
      issues.push(`${prefix}: set ${required.join(', ')} together`);
    return given.length === required.length;
  };
  const config: WorkMessagingConfig = {};
  const ding = ['GRIDSENSE_DINGTALK_APP_KEY', 'GRIDSENSE_DINGTALK_APP_SECRET', 'GRIDSENSE_DINGTALK_AGENT_ID'];
  if (group('GRIDSENSE_DINGTALK_*', ding))
    config.dingtalk = {
      appKey: value(ding[0]!)!,
      appSecret: value(ding[1]!)!,
      agentId: agentId(ding[2]!),
      apiUrl: httpUrl('GRIDSENSE_DINGTALK_API_URL', DINGTALK_API_URL)!,
    };
  const wecom = ['GRIDSENSE_WECOM_CORP_ID', 'GRIDSENSE_WECOM_CORP_SECRET', 'GRIDSENSE_WECOM_AGENT_ID'];
  if (group('GRIDSENSE_WECOM_*', wecom))
    config.wecom = {
      corpId: value(wecom[0]!)!,
      corpSecret: value(wecom[1]!)!,
      agentId: agentId(wecom[2]!),
      apiUrl: httpUrl('GRIDSENSE_WECOM_API_URL', WECOM_API_URL)!,
    };
  const smsUrl = httpUrl('GRIDSENSE_SMS_WEBHOOK_URL');
  if (smsUrl) config.sms = { url: smsUrl, secret: value('GRIDSENSE_SMS_WEBHOOK_SECRET') ?? null };
  else if (value('GRIDSENSE_SMS_WEBHOOK_SECRET'))
    issues.push('GRIDSENSE_SMS_WEBHOOK_SECRET: set GRIDSENSE_SMS_WEBHOOK_URL too');
  return config;
}

/** The work channels that are configured. */
export const configuredWorkChannels = (config: WorkMessagingConfig | undefined): WorkChannelKind[] =>
  WORK_CHANNEL_KINDS.filter((kind) => config?.[kind] !== undefined);
