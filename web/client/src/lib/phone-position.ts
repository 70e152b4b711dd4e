/** The phone's position at arrival, or null when refused, unavailable or too slow. */
export function currentPosition(
  timeoutMs = 15_000,
): Promise<{ lat: number; lng: number; accuracyM: number | null } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) =>
        resolve({
          lat: coords.latitude,
          lng: coords.longitude,
          accuracyM: Number.isFinite(coords.accuracy) ? Math.round(coords.accuracy) : null,
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}
