import { isAbkitError, type Store } from "@abkit/core";
import { afterEach, beforeEach, expect } from "vitest";
import type { StoreHarness } from "./types.js";

/** The store of the running test, made fresh by `useStore`. */
export interface StoreUnderTest {
  /** The store the current test works on (throws outside a test). */
  readonly store: Store;
  /** Closes the store now; the suite then skips its own close after the test. */
  close(): Promise<void>;
}

/**
 * Registers hooks giving every test of the enclosing `describe` a fresh store from
 * `harness.create()`, closed and handed to `harness.destroy` after the test.
 *
 * @example
 * const ctx = useStore(harness);
 * it("starts empty", async () => {
 *   expect(await ctx.store.definitionsVersion("p")).toBe(0);
 * });
 */
export function useStore(harness: StoreHarness): StoreUnderTest {
  let current: Store | undefined;
  let closed = false;

  beforeEach(async () => {
    current = await harness.create();
    closed = false;
  });

  afterEach(async () => {
    const store = current;
    current = undefined;
    if (!store) return;
    try {
      if (!closed) await store.close();
    } finally {
      await harness.destroy?.(store);
    }
  });

  return {
    get store() {
      if (!current) throw new Error("store-tests: no store outside a test");
      return current;
    },
    async close() {
      if (!current) throw new Error("store-tests: no store outside a test");
      closed = true;
      await current.close();
    },
  };
}

/**
 * Asserts that `promise` rejects with an `AbkitError` of `code` (matched by code, never by
 * message text), and returns the error.
 *
 * @example
 * await expectCode(store.appendLog(log), "conflict");
 */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  what = "the call",
): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) {
    expect.fail(`${what}: expected a rejection with code "${code}", got ${show(outcome.value)}`);
  }
  const { error } = outcome;
  expect(isAbkitError(error), `${what}: expected an AbkitError "${code}", got ${error}`).toBe(true);
  expect((error as { code: unknown }).code, `${what}: error code`).toBe(code);
  return error;
}

// --- Internal helpers ---

function show(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}
