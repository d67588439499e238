import { useState } from "preact/hooks";
import type { ApiError } from "../api/client.js";
import { useClient } from "../clientContext.js";
import { ConfirmButton } from "../components/ConfirmButton.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Skeleton } from "../components/Skeleton.js";
import { formatTime } from "../format.js";
import { asApiError, useLoad } from "../useLoad.js";

/** The organization's API keys: create (the plaintext is shown once), list, revoke. */
export function KeysPage() {
  const client = useClient();
  const [keys, reload] = useLoad(() => client.listKeys(), [client]);
  const [name, setName] = useState("");
  const [admin, setAdmin] = useState(false);
  const [created, setCreated] = useState<{ name: string; plaintext: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await client.createKey({ name, scopes: admin ? ["admin"] : ["sdk"] });
      setCreated({ name: result.key.name || result.key.prefix, plaintext: result.plaintext });
      setName("");
      await reload();
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  const revoke = (id: string) => async () => {
    setError(null);
    try {
      await client.revokeKey(id);
      await reload();
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>API keys</h1>
      <form class="card" onSubmit={create}>
        <h2>New key</h2>
        <div class="grid-2">
          <div class="field">
            <label for="key-name">Name</label>
            <input
              id="key-name"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </div>
          <label class="check">
            <input
              type="checkbox"
              checked={admin}
              onChange={(event) => setAdmin(event.currentTarget.checked)}
            />{" "}
            admin (manage experiments, flags and keys; without it the key may only evaluate, track
            and log)
          </label>
        </div>
        <button type="submit" class="button primary">
          Create key
        </button>
      </form>
      {created && (
        <div class="card notice" role="status" data-testid="new-key">
          <p>
            Key <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <code class="mono plaintext">{created.plaintext}</code>
          <button type="button" class="button small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      {keys.state === "loading" && <Skeleton height="10rem" label="Loading keys" />}
      {keys.state === "error" && <ErrorMessage error={keys.error} />}
      {keys.state === "ready" && (
        <div class="table-scroll">
          <table class="list-table" data-testid="keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {[...keys.data].reverse().map((key) => (
                <tr key={key.id} data-key-id={key.id}>
                  <th scope="row">{key.name || <span class="muted">unnamed</span>}</th>
                  <td class="mono">{key.prefix}…</td>
                  <td>{key.scopes.join(", ")}</td>
                  <td>{formatTime(key.createdAt)}</td>
                  <td>
                    {key.revokedAt ? (
                      <span class="muted">revoked {formatTime(key.revokedAt)}</span>
                    ) : (
                      <ConfirmButton
                        label="Revoke"
                        accessibleName={`Revoke ${key.name || key.prefix}`}
                        confirmLabel="Revoke key"
                        danger
                        question={
                          <p>
                            Revoke <strong>{key.name || key.prefix}</strong>? Every request with it
                            fails from now on.
                          </p>
                        }
                        onConfirm={revoke(key.id)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
