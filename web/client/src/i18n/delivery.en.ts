import type { DeliveryTextKey } from './delivery.zh-CN';

/**
 * English for why a notification delivery failed, as the console words it. `{message}` is what the
 * other side or the system said; `{ms:seconds}` a time in milliseconds, in seconds.
 */
export const DELIVERY_TEXTS_EN: Record<DeliveryTextKey, string> = {
  'delivery.httpStatus': 'The other side answered HTTP {status}',
  'delivery.timeout': 'No answer within {ms:seconds} s',
  'delivery.cutOff': 'The answer was cut off',
  'delivery.notJson': 'The answer was not JSON',
  'delivery.errcode': 'Error code {code} from the other side: {message}',
  'delivery.noErrcode': 'The answer carried no error code',
  'delivery.subscriptionGone': "The phone's push subscription is gone",
  'delivery.channelGone': 'The channel is deleted or disabled',
  'delivery.notPersonTarget': 'Not a message to a person',
  'delivery.notConfigured': '{kind:workChannel} is not configured',
  'delivery.noRecipient': 'The person has no {kind:workRecipient}',
  'delivery.noAccessToken': 'No access token: the platform answered HTTP {status}',
  'delivery.noAccessTokenErrcode':
    'No access token: the platform answered HTTP {status}, error code {code}: {message}',
  'delivery.notHttps': 'The push address must be an https URL',
  'delivery.urlCredentials': 'The push address must not carry a user name or password',
  'delivery.notPublicAddress': '{host} is not a public address',
  'delivery.resolvesPrivate': '{host} resolves to {address}, not a public address',
  'delivery.noAddress': '{host} has no address',
  'delivery.error': 'Sending failed: {message}',
};

/** The work channels (`{kind:workChannel}`) and whom they reach a person by (`{kind:workRecipient}`). */
export const DELIVERY_TERMS_EN: Record<string, string> = {
  'workChannel.dingtalk': 'DingTalk messaging',
  'workChannel.wecom': 'WeCom messaging',
  'workChannel.sms': 'The SMS gateway',
  'workRecipient.dingtalk': 'DingTalk user id',
  'workRecipient.wecom': 'WeCom user id',
  'workRecipient.sms': 'phone number',
};
