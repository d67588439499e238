// The API key lives in sessionStorage only: it is gone when the tab closes, and never
// written to localStorage or a cookie.
const STORAGE_KEY = "abkit.apiKey";

export function savedApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function saveApiKey(apiKey: string): void {
  sessionStorage.setItem(STORAGE_KEY, apiKey);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
