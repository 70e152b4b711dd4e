export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'alert' | 'error';
  href?: string;
}

const LIFETIME_MS = 6000;
const MAX_SHOWN = 4;
let nextId = 1;

export const toasts = $state<Toast[]>([]);

export function showToast(toast: Omit<Toast, 'id'>): void {
  const id = nextId++;
  toasts.push({ ...toast, id });
  if (toasts.length > MAX_SHOWN) toasts.splice(0, toasts.length - MAX_SHOWN);
  setTimeout(() => dismissToast(id), toast.tone === 'alert' ? LIFETIME_MS * 2 : LIFETIME_MS);
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((toast) => toast.id === id);
  if (index !== -1) toasts.splice(index, 1);
}
