/**
 * The phone's own store (IndexedDB): the outbox items, the photos they hold as Blobs, and the
 * last copies of what the worker needs offline (their cases, the category list). IndexedDB,
 * not localStorage, because photos are Blobs of a few hundred KB and localStorage keeps strings
 * of a few MB in all.
 */

const NAME = 'gridsense-offline';
const VERSION = 1;
export type StoreName = 'outbox' | 'photos' | 'copies';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      // outbox: items by their key; photos and copies: values under keys chosen by the caller.
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos');
      if (!db.objectStoreNames.contains('copies')) db.createObjectStore('copies');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

async function inStore<T>(
  name: StoreName,
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  return done(work(db.transaction(name, mode).objectStore(name)));
}

export const readAll = <T>(name: StoreName): Promise<T[]> =>
  inStore(name, 'readonly', (store) => store.getAll() as IDBRequest<T[]>);

export const readOne = <T>(name: StoreName, key: string): Promise<T | undefined> =>
  inStore(name, 'readonly', (store) => store.get(key) as IDBRequest<T | undefined>);

/** Writes a value; `key` for stores without a key path (photos, copies). */
export const writeOne = (name: StoreName, value: unknown, key?: string): Promise<IDBValidKey> =>
  inStore(name, 'readwrite', (store) => (key === undefined ? store.put(value) : store.put(value, key)));

export const deleteOne = (name: StoreName, key: string): Promise<undefined> =>
  inStore(name, 'readwrite', (store) => store.delete(key));

/** Whether this browser has IndexedDB at all (a private window on some phones does not). */
export const offlineStoreAvailable = (): boolean => typeof indexedDB !== 'undefined';
