import type { Abkit, EventInput } from "@abkit/core";
import {
  ErrorCode,
  type EvaluationContext,
  GeneralError,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from "@openfeature/server-sdk";
import { resolveFlag } from "./resolve.js";

/** Options of `AbkitProvider`. */
export interface AbkitProviderOptions {
  /** How often the project's definitions version is polled for changes, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Where `track` failures and skipped events are reported. Default `console`. */
  logger?: Pick<Logger, "warn">;
}

/**
 * An OpenFeature server provider over an abkit engine: flags resolve through
 * `abkit.evaluateFlag` (a running attached experiment is a `SPLIT` with the variant key as
 * `variant`), `track` records abkit events, and definition changes in the store emit
 * `PROVIDER_CONFIGURATION_CHANGED`.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { memoryStore } from "@abkit/memory";
 * import { AbkitProvider } from "@abkit/openfeature";
 * import { OpenFeature } from "@openfeature/server-sdk";
 *
 * const abkit = createAbkit({ store: memoryStore() });
 * await OpenFeature.setProviderAndWait(new AbkitProvider(abkit));
 * const client = OpenFeature.getClient();
 * const flow = await client.getStringValue("checkout_flow", "control", { targetingKey: "usr_1" });
 * client.track("conversion", { targetingKey: "usr_1" }, { value: 1 });
 */
export class AbkitProvider implements Provider {
  readonly metadata = { name: "abkit" } as const;
  readonly runsOn = "server" as const;
  readonly events = new OpenFeatureEventEmitter();

  private readonly pollIntervalMs: number;
  private readonly logger: Pick<Logger, "warn">;
  private timer: ReturnType<typeof setInterval> | undefined;
  private version: number | undefined;
  private polling = false;
  private failing = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly abkit: Abkit,
    options: AbkitProviderOptions = {},
  ) {
    const interval = options.pollIntervalMs ?? 1000;
    if (!Number.isFinite(interval) || interval <= 0) {
      throw new RangeError("AbkitProvider: pollIntervalMs must be a positive number");
    }
    this.pollIntervalMs = interval;
    this.logger = options.logger ?? console;
  }

  /**
   * Loads the first definitions and starts polling. A store failure rejects (the provider
   * enters ERROR), but polling starts anyway: the first poll that reaches the store reloads
   * the definitions and emits `PROVIDER_READY`.
   */
  async initialize(): Promise<void> {
    this.stopPolling();
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref?.();
    try {
      this.version = await this.loadDefinitions();
    } catch (error) {
      this.failing = true;
      throw new GeneralError(`abkit store unreachable at start: ${messageOf(error)}`);
    }
  }

  /** Stops polling and waits for tracked events in flight. The engine stays open: the caller owns it. */
  async onClose(): Promise<void> {
    this.stopPolling();
    await this.flush();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return resolveFlag(this.abkit, flagKey, "boolean", defaultValue, context);
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return resolveFlag(this.abkit, flagKey, "string", defaultValue, context);
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return resolveFlag(this.abkit, flagKey, "number", defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return resolveFlag(this.abkit, flagKey, "object", defaultValue, context);
  }

  /**
   * Records `{ entityId: targetingKey, metricName: trackingEventName, value, idempotencyKey }`
   * with `abkit.track`, in the background. Never throws: a missing `targetingKey` or a
   * failed write is logged and dropped. `flush()` waits for the writes.
   */
  track(
    trackingEventName: string,
    context: EvaluationContext,
    details: TrackingEventDetails = {},
  ): void {
    const entityId = context.targetingKey;
    if (typeof entityId !== "string" || entityId === "") {
      this.logger.warn(`abkit: track("${trackingEventName}") without a targetingKey was ignored`);
      return;
    }
    const event: EventInput = { entityId, metricName: trackingEventName };
    if (typeof details.value === "number") event.value = details.value;
    if (typeof details.idempotencyKey === "string") event.idempotencyKey = details.idempotencyKey;
    const write = this.abkit.track([event]).then(
      () => undefined,
      (error: unknown) => {
        this.logger.warn(`abkit: track("${trackingEventName}") failed: ${messageOf(error)}`);
      },
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /**
   * Resolves once every event passed to `track` so far is written (or its failure logged).
   *
   * @example
   * client.track("conversion", { targetingKey: "usr_1" });
   * await provider.flush();
   * const results = await abkit.results("checkout-flow-test");
   */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  // --- Internal helpers ---

  private stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The definitions version, read before the engine reloads so that no change is missed. */
  private async loadDefinitions(): Promise<number> {
    const version = await this.abkit.definitionsVersion();
    await this.abkit.refresh();
    return version;
  }

  /**
   * One poll. A new version reloads the engine's definitions before emitting
   * CONFIGURATION_CHANGED, so a read made on the event sees the new values. A failure emits
   * ERROR (once, with an error code); the first success after it emits READY.
   */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const version = await this.abkit.definitionsVersion();
      const recovering = this.failing;
      if (!recovering && version === this.version) return;
      // Reloaded before the event: a read made on it must see the new values.
      await this.abkit.refresh();
      // After a start that never loaded, READY alone says it: there is no earlier version.
      const changed = this.version !== undefined && version !== this.version;
      this.version = version;
      this.failing = false;
      if (recovering) {
        this.events.emit(ProviderEvents.Ready, { message: "abkit store reachable again" });
      }
      if (changed) {
        this.events.emit(ProviderEvents.ConfigurationChanged, {
          message: `abkit definitions of project "${this.abkit.project}" changed (version ${version})`,
          metadata: { definitionsVersion: version },
        });
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.events.emit(ProviderEvents.Error, {
          message: `abkit poll failed: ${messageOf(error)}`,
          errorCode: ErrorCode.GENERAL,
        });
      }
    } finally {
      this.polling = false;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
