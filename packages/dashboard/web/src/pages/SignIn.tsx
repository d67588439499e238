import { useState } from "preact/hooks";
import { type ApiError, createClient } from "../api/client.js";
import type { ApiKey } from "../api/types.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { asApiError } from "../useLoad.js";

/** Asks for an API key and checks it against the API before keeping it. */
export function SignIn({ onSignedIn }: { onSignedIn: (apiKey: string, key: ApiKey) => void }) {
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const key = await createClient(apiKey.trim()).currentKey();
      onSignedIn(apiKey.trim(), key);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>abkit</h1>
      <form class="card" onSubmit={submit}>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="off"
            required
            value={apiKey}
            onInput={(event) => setApiKey(event.currentTarget.value)}
          />
          <p class="field-hint">
            An admin key manages experiments, flags and keys. It is kept in this browser tab only.
          </p>
        </div>
        <button type="submit" class="button primary" disabled={busy || apiKey.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && <ErrorMessage error={error} />}
      </form>
    </main>
  );
}
