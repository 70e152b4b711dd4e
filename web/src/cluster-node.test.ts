import { describe, expect, it } from 'vitest';
import { webBusClientId } from './cluster-node';

describe('webBusClientId', () => {
  it('is one per web node: apart by host and by port, the same after a restart', () => {
    expect(webBusClientId(8080, 'web-1')).toBe('gridsense-web-web-1-8080');
    expect(webBusClientId(8080, 'web-2')).not.toBe(webBusClientId(8080, 'web-1'));
    expect(webBusClientId(8081, 'web-1')).not.toBe(webBusClientId(8080, 'web-1'));
    expect(webBusClientId(8080)).toBe(webBusClientId(8080));
  });
});
