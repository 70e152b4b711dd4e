/**
 * Getting a field worker's attention: a short beep and a system notification. Browsers only let
 * audio start after a user gesture, so `unlockAlerts` runs on the first tap anywhere.
 */
let audio: AudioContext | null = null;

export function unlockAlerts(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null; // no Web Audio (old browser, policy); the toast still shows
  }
}

const MUTE_KEY = 'gs_muted';

/** Whether alert sounds are off on this device (the header's switch; kept across sign-ins). */
export const sound = $state<{ muted: boolean }>({ muted: localStorage.getItem(MUTE_KEY) === '1' });

export function setMuted(muted: boolean): void {
  sound.muted = muted;
  if (muted) localStorage.setItem(MUTE_KEY, '1');
  else localStorage.removeItem(MUTE_KEY);
}

/**
 * Two short 880 Hz pips, quiet enough not to startle; nothing when muted. Each beep asked for is
 * counted on `<html data-beeps>`, which lets a test see it without listening.
 */
export function beep(): void {
  if (sound.muted) return;
  const root = document.documentElement;
  root.dataset['beeps'] = String(Number(root.dataset['beeps'] ?? 0) + 1);
  if (!audio || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (const offset of [0, 0.22]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.18);
  }
}

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

export async function requestNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (!('Notification' in window)) return 'unsupported';
  return Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
}

export function notify(title: string, body: string, onClick: () => void): void {
  if (notificationPermission() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag: title });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Android Chrome allows notifications only from a service worker (Web Push comes later).
  }
}
