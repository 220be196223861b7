/** The todo app's entry: keeps the session and switches between the sign-in screen and the app. */
import './styles.css';
import { ApiClient } from './api.js';
import { showApp } from './app-view.js';
import { showAuth } from './auth-view.js';
import { isExpired, SessionStore, tokenExpiry, type Session } from './session.js';

const EXPIRED_MESSAGE = 'Your session has expired. Please log in again.';

const root = document.getElementById('app')!;
const store = new SessionStore(sessionStorage);
let session: Session | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let app: { stop: () => void } | null = null;

const api = new ApiClient({
  getToken: () => session?.token ?? null,
  onUnauthorized: () => endSession(EXPIRED_MESSAGE),
});

function startSession(next: Session): void {
  session = next;
  store.save(next);
  const exp = tokenExpiry(next.token);
  if (exp !== null) {
    // Timers cap at ~24.8 days; a longer token is caught by the API's 401 instead.
    const delay = exp * 1000 - Date.now();
    if (delay < 2 ** 31) expiryTimer = setTimeout(() => endSession(EXPIRED_MESSAGE), Math.max(0, delay));
  }
  app = showApp(root, next, api, () => endSession());
}

/** Log out: forget the token everywhere, close the socket, back to the sign-in screen. */
function endSession(notice?: string): void {
  if (!session) return;
  session = null;
  store.clear();
  clearTimeout(expiryTimer);
  app?.stop();
  app = null;
  showAuth(root, api, startSession, notice);
}

const saved = store.load();
if (saved && !isExpired(saved.token, Date.now())) {
  startSession(saved);
} else {
  if (saved) store.clear();
  showAuth(root, api, startSession, saved ? EXPIRED_MESSAGE : undefined);
}
