/** Where a case is, as links a phone's map apps open: no map script is loaded for this. */

export interface Point {
  lat: number;
  lng: number;
}

const fixed = (value: number): string => value.toFixed(6);

/** The platform's positions are WGS-84; each link says so, and the map app converts. */
export function navigationLinks(point: Point, label: string): { geo: string; amap: string; baidu: string } {
  const lat = fixed(point.lat);
  const lng = fixed(point.lng);
  const name = encodeURIComponent(label);
  return {
    // RFC 5870; Android hands it to whichever map app the person uses.
    geo: `geo:${lat},${lng}?q=${lat},${lng}(${name})`,
    amap: `https://uri.amap.com/marker?position=${lng},${lat}&name=${name}&coordinate=wgs84&callnative=1`,
    baidu: `https://api.map.baidu.com/marker?location=${lat},${lng}&title=${name}&content=${name}&coord_type=wgs84&output=html&src=gridsense`,
  };
}

/** A phone number as a `tel:` link: digits and a leading + only. */
export function telHref(phone: string): string | null {
  const digits = phone.replace(/[\s()-]/g, '');
  return /^\+?\d{3,20}$/.test(digits) ? `tel:${digits}` : null;
}

/** Where the phone was at 到达, as the timeline entry recorded it; null when it was not given. */
export function entryPosition(
  data: Record<string, unknown> | null,
): (Point & { accuracyM: number | null }) | null {
  const position = data?.position;
  if (typeof position !== 'object' || position === null) return null;
  const { lat, lng, accuracyM } = position as Record<string, unknown>;
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng))
    return null;
  return {
    lat,
    lng,
    accuracyM: typeof accuracyM === 'number' && Number.isFinite(accuracyM) ? accuracyM : null,
  };
}
