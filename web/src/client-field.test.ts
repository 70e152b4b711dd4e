import { describe, expect, it } from 'vitest';
import { entryPosition, navigationLinks, telHref } from '../client/src/lib/case-place';
import { fitWithin } from '../client/src/lib/images';

/** The field helpers of the console: map links, phone links, arrival positions, photo sizes. */
describe('field helpers', () => {
  it('links a WGS-84 point to AMap, Baidu and any map app, saying the datum', () => {
    const links = navigationLinks({ lat: 30.2567891, lng: 120.1612345 }, '幸福路 12 号');
    expect(links.geo).toBe(
      'geo:30.256789,120.161235?q=30.256789,120.161235(%E5%B9%B8%E7%A6%8F%E8%B7%AF%2012%20%E5%8F%B7)',
    );
    const amap = new URL(links.amap);
    expect([amap.host, amap.pathname]).toEqual(['uri.amap.com', '/marker']);
    expect(Object.fromEntries(amap.searchParams)).toMatchObject({
      position: '120.161235,30.256789',
      name: '幸福路 12 号',
      coordinate: 'wgs84',
    });
    const baidu = new URL(links.baidu);
    expect(Object.fromEntries(baidu.searchParams)).toMatchObject({
      location: '30.256789,120.161235',
      title: '幸福路 12 号',
      coord_type: 'wgs84',
    });
  });

  it('makes tel: links of phone numbers only', () => {
    expect(telHref('138 0000-2222')).toBe('tel:13800002222');
    expect(telHref('+86 (571) 8888 0000')).toBe('tel:+8657188880000');
    expect(telHref('javascript:alert(1)')).toBeNull();
    expect(telHref('12')).toBeNull();
  });

  it('reads an arrival position from a timeline entry, ignoring anything malformed', () => {
    expect(entryPosition({ position: { lat: 30.1, lng: 120.2, accuracyM: 12 } })).toEqual({
      lat: 30.1,
      lng: 120.2,
      accuracyM: 12,
    });
    expect(entryPosition({ position: { lat: 30.1, lng: 120.2, accuracyM: null } })?.accuracyM).toBeNull();
    expect(entryPosition({ position: { lat: '30', lng: 120 } })).toBeNull();
    expect(entryPosition({ photos: [] })).toBeNull();
    expect(entryPosition(null)).toBeNull();
  });

  it('fits a photo within 1600 px, keeping its shape, never enlarging it', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(20000, 10)).toEqual({ width: 1600, height: 1 });
  });
});
