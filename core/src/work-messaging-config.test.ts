import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { configuredWorkChannels, parseWorkMessaging } from './work-messaging-config';

/** DingTalk, WeCom and SMS are each on when their settings are given, all of them or none. */
describe('work messaging settings', () => {
  const parse = (env: Record<string, string>) => {
    const issues: string[] = [];
    return { config: parseWorkMessaging(env, issues), issues };
  };

  it('is off without settings', () => {
    expect(parse({})).toEqual({ config: {}, issues: [] });
    expect(configuredWorkChannels(parse({}).config)).toEqual([]);
  });

  it('reads DingTalk, WeCom and the SMS gateway, with the public API addresses by default', () => {
    const { config, issues } = parse({
      GRIDSENSE_DINGTALK_APP_KEY: 'dingkey',
      GRIDSENSE_DINGTALK_APP_SECRET: 'dingsecret',
      GRIDSENSE_DINGTALK_AGENT_ID: '3001',
      GRIDSENSE_WECOM_CORP_ID: 'ww1',
      GRIDSENSE_WECOM_CORP_SECRET: 'wsecret',
      GRIDSENSE_WECOM_AGENT_ID: '1000002',
      GRIDSENSE_WECOM_API_URL: 'http://wecom-proxy.lan:8080/',
      GRIDSENSE_SMS_WEBHOOK_URL: 'https://sms.example.org/send',
    });
    expect(issues).toEqual([]);
    expect(config).toEqual({
      dingtalk: {
        appKey: 'dingkey',
        appSecret: 'dingsecret',
        agentId: 3001,
        apiUrl: 'https://oapi.dingtalk.com',
      },
      wecom: {
        corpId: 'ww1',
        corpSecret: 'wsecret',
        agentId: 1000002,
        apiUrl: 'http://wecom-proxy.lan:8080',
      },
      sms: { url: 'https://sms.example.org/send', secret: null },
    });
    expect(configuredWorkChannels(config)).toEqual(['dingtalk', 'wecom', 'sms']);
  });

  it('lists every problem: a half-set group, a bad AgentId, a bad URL, a secret without its gateway', () => {
    expect(
      parse({
        GRIDSENSE_DINGTALK_APP_KEY: 'dingkey',
        GRIDSENSE_WECOM_CORP_ID: 'ww1',
        GRIDSENSE_WECOM_CORP_SECRET: 'wsecret',
        GRIDSENSE_WECOM_AGENT_ID: 'app',
        GRIDSENSE_WECOM_API_URL: 'ftp://x',
        GRIDSENSE_SMS_WEBHOOK_SECRET: 'k',
      }).issues,
    ).toEqual([
      'GRIDSENSE_DINGTALK_*: set GRIDSENSE_DINGTALK_APP_KEY, GRIDSENSE_DINGTALK_APP_SECRET, GRIDSENSE_DINGTALK_AGENT_ID together',
      "GRIDSENSE_WECOM_AGENT_ID: must be the app's numeric AgentId",
      'GRIDSENSE_WECOM_API_URL: must be an http(s) URL',
      'GRIDSENSE_SMS_WEBHOOK_SECRET: set GRIDSENSE_SMS_WEBHOOK_URL too',
    ]);
  });

  it('is part of the one configuration, its keys known and documented', () => {
    const result = parseConfig({ GRIDSENSE_SMS_WEBHOOK_URL: 'http://127.0.0.1:9000/sms' });
    expect(result.ok && result.config.workMessaging).toEqual({
      sms: { url: 'http://127.0.0.1:9000/sms', secret: null },
    });
    const bad = parseConfig({ GRIDSENSE_DINGTALK_AGENT_ID: '1' });
    expect(bad.ok ? [] : bad.errors).toContain(
      'GRIDSENSE_DINGTALK_*: set GRIDSENSE_DINGTALK_APP_KEY, GRIDSENSE_DINGTALK_APP_SECRET, GRIDSENSE_DINGTALK_AGENT_ID together',
    );
  });
});
