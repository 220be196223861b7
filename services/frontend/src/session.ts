/**
 * The signed-in session. The token lives in sessionStorage (this tab only, gone when the tab
 * closes; never localStorage or a cookie), so a reload keeps you signed in and "Log out" ends it.
 */

export interface Session {
  readonly token: string;
  readonly email: string;
}

/** The part of the Web Storage API the store uses (sessionStorage in the browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const STORAGE_KEY = 'todo.session';

/** Seconds-since-epoch `exp` claim of a JWT, or null when absent or unreadable. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
  } catch {
    return null;
  }
}

/** True when the token's `exp` has passed (a token without `exp` is left to the API to judge). */
export function isExpired(token: string, nowMs: number): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp * 1000 <= nowMs;
}

export class SessionStore {
  constructor(private readonly storage: KeyValueStorage) {}

  load(): Session | null {
    const raw = this.storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    try {
      const value: unknown = JSON.parse(raw);
      const { token, email } = (value ?? {}) as Partial<Session>;
      if (typeof token === 'string' && token && typeof email === 'string') return { token, email };
    } catch {
      // Unreadable: treat as signed out and drop it below.
    }
    this.clear();
    return null;
  }

  save(session: Session): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
  }
}
