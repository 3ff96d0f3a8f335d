import type { ApiError } from '../api/client.js';
import { tabStorage } from '../api/transport.js';

/*
 * What a widget keeps of things the user wrote that the server has not
 * confirmed yet (posts, replies): a list in this tab's sessionStorage, so it
 * survives a reload, and is sent again with the same `clientId` (the server
 * writes it once, however many tries reach it).
 */

/** The unsent items kept under `key`, those that pass `valid` (anything unreadable is dropped). */
export function readUnsent<T>(key: string | null, valid: (item: unknown) => item is T): T[] {
  if (!key) return [];
  try {
    const raw = JSON.parse(tabStorage()?.getItem(key) ?? '[]') as unknown;
    return Array.isArray(raw) ? raw.filter(valid) : [];
  } catch {
    return [];
  }
}

/** Keeps `items` under `key` (an empty list removes the key). Storage that is full or refused is ignored: the items stay on screen. */
export function writeUnsent<T>(key: string | null, items: readonly T[]): void {
  const storage = tabStorage();
  if (!key || !storage) return;
  try {
    if (items.length) storage.setItem(key, JSON.stringify(items));
    else storage.removeItem(key);
  } catch {
    /* storage full or refused */
  }
}

/**
 * Failures worth a Retry: the network, a lapsed session, timeouts, rate
 * limits, server errors, an unreadable answer. Anything else (a 400, 403, 404)
 * will fail the same way again: show its reason instead.
 */
export function isRetryable(error: ApiError): boolean {
  return error.status === 0 || error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500 || error.code === 'BAD_RESPONSE';
}
