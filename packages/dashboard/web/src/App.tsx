import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { createClient } from "./api/client.js";
import type { ApiKey } from "./api/types.js";
import { ClientContext } from "./clientContext.js";
import { ErrorMessage } from "./components/ErrorMessage.js";
import { Skeleton } from "./components/Skeleton.js";
import { LogDetailPage } from "./logs/LogDetailPage.js";
import { LogsPage } from "./logs/LogsPage.js";
import { ExperimentEditor } from "./pages/ExperimentEditor.js";
import { ExperimentPage } from "./pages/ExperimentPage.js";
import { ExperimentsPage } from "./pages/ExperimentsPage.js";
import { FlagsPage } from "./pages/FlagsPage.js";
import { KeysPage } from "./pages/KeysPage.js";
import { SignIn } from "./pages/SignIn.js";
import { href, type Route, useRoute } from "./route.js";
import { forgetApiKey, saveApiKey, savedApiKey } from "./session.js";
import { useLoad } from "./useLoad.js";

/** Signs in, then shows the page the URL's hash names. */
export function App() {
  const [apiKey, setApiKey] = useState(savedApiKey);
  const signOut = () => {
    forgetApiKey();
    setApiKey(null);
  };
  if (!apiKey) {
    return (
      <SignIn
        onSignedIn={(plaintext) => {
          saveApiKey(plaintext);
          setApiKey(plaintext);
        }}
      />
    );
  }
  return <SignedIn apiKey={apiKey} onSignOut={signOut} />;
}

function SignedIn({ apiKey, onSignOut }: { apiKey: string; onSignOut: () => void }) {
  const client = useMemo(() => createClient(apiKey), [apiKey]);
  const [key] = useLoad(() => client.currentKey(), [client]);
  const route = useRoute();
  const main = useRef<HTMLElement>(null);

  // Move focus to the new page's heading, as a page load would, for keyboard and reader users.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [route]);

  if (key.state === "error" && key.error.status === 401) {
    // The saved key was revoked or is wrong: back to sign-in, saying why.
    return (
      <main class="sign-in">
        <ErrorMessage error={key.error} />
        <button type="button" class="button primary" onClick={onSignOut}>
          Sign in again
        </button>
      </main>
    );
  }
  return (
    <ClientContext.Provider value={client}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href.experiments()}>
          abkit
        </a>
        <nav aria-label="Main">
          <NavLink to={href.experiments()} current={route.page.includes("experiment")}>
            Experiments
          </NavLink>
          <NavLink to={href.flags()} current={route.page === "flags"}>
            Flags
          </NavLink>
          <NavLink to={href.keys()} current={route.page === "keys"}>
            API keys
          </NavLink>
        </nav>
        <div class="who">
          {key.state === "ready" && <KeyLabel apiKey={key.data} />}
          <button type="button" class="button small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} class="content">
        {key.state === "loading" ? <Skeleton height="16rem" /> : <Page route={route} />}
      </main>
    </ClientContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "experiments":
      return <ExperimentsPage status={route.status} />;
    case "new-experiment":
      return <ExperimentEditor />;
    case "experiment":
      return <ExperimentPage key={route.key} experimentKey={route.key} />;
    case "edit-experiment":
      return <ExperimentEditor key={route.key} experimentKey={route.key} />;
    case "experiment-logs":
      return <LogsPage key={route.key} experimentKey={route.key} query={route.query} />;
    case "experiment-log":
      return (
        <LogDetailPage
          key={`${route.key}/${route.logId}`}
          experimentKey={route.key}
          logId={route.logId}
          compareWith={route.compareWith}
        />
      );
    case "flags":
      return <FlagsPage />;
    case "keys":
      return <KeysPage />;
    case "not-found":
      return (
        <>
          <h1 tabIndex={-1}>Not found</h1>
          <p>
            Nothing at <code>{route.path}</code>. <a href={href.experiments()}>Experiments</a>
          </p>
        </>
      );
  }
}

function NavLink({ to, current, children }: { to: string; current: boolean; children: string }) {
  return (
    <a href={to} aria-current={current ? "page" : undefined}>
      {children}
    </a>
  );
}

function KeyLabel({ apiKey }: { apiKey: ApiKey }) {
  return (
    <span class="muted" data-testid="signed-in-as">
      {apiKey.name || apiKey.prefix} · {apiKey.projectId} · {apiKey.scopes.join(", ")}
    </span>
  );
}
