import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { loadConfig } from "@smithy/core/config";
import { FetchHttpHandler, streamCollector } from "@smithy/fetch-http-handler";
import type { PutMetricDataInput } from "../sinks/wire.ts";
import { createRetryStrategy, type RetryEvent } from "./retry.ts";

export interface PutResult {
  readonly requestId: string | undefined;
  readonly attempts: number;
}

/** Sends one PutMetricData request, retries included; what the CloudWatch sink depends on. */
export type PutMetricData = (
  input: PutMetricDataInput,
  options: { signal: AbortSignal; deadline: number },
) => Promise<PutResult>;

export interface CloudWatchOptions {
  readonly region: string;
  readonly retries: number;
  /** Longest wait for one attempt's answer before it counts as a (retryable) timeout. */
  readonly attemptTimeoutMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly onGiveUp?: (reason: string) => void;
  /** Tests and the benchmark only: production takes both from the SDK's own conventions. */
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface CloudWatch {
  readonly putMetricData: PutMetricData;
  /** Resolves credentials through the SDK's default chain (throws when there are none). */
  readonly credentials: () => Promise<ResolvedCredentials>;
  /** The URL requests go to (a configured `AWS_ENDPOINT_URL*` or the regional endpoint). */
  readonly endpoint: () => Promise<string>;
}

export interface ResolvedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly source: string;
}

// Feature ids the SDK records on credentials ($source), named for people.
const SOURCES: Record<string, string> = {
  CREDENTIALS_CODE: "code",
  CREDENTIALS_ENV_VARS: "environment variables",
  CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: "web identity token (environment)",
  CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: "web identity token (IRSA / OIDC)",
  CREDENTIALS_PROFILE: "shared config/credentials file",
  CREDENTIALS_PROFILE_SOURCE_PROFILE: "shared config (source_profile)",
  CREDENTIALS_PROFILE_PROCESS: "shared config (credential_process)",
  CREDENTIALS_PROCESS: "credential_process",
  CREDENTIALS_SSO: "IAM Identity Center (SSO)",
  CREDENTIALS_PROFILE_SSO: "IAM Identity Center (SSO)",
  CREDENTIALS_HTTP: "container credentials endpoint (ECS/EKS Pod Identity)",
  CREDENTIALS_IMDS: "EC2 instance metadata (instance role)",
};

function describeSource(credentials: object): string {
  const features = Object.keys((credentials as { $source?: object }).$source ?? {});
  const named = features.map((f) => SOURCES[f]).filter((s) => s !== undefined);
  return named.at(-1) ?? (features.length > 0 ? features.join(", ") : "unknown");
}

/** The real CloudWatch client: the SDK's signing, gzip, credential chain and retry loop. */
export function createCloudWatch(options: CloudWatchOptions): CloudWatch {
  let deadline = Number.POSITIVE_INFINITY;
  const client = new CloudWatchClient({
    region: options.region,
    maxAttempts: options.retries + 1,
    retryStrategy: createRetryStrategy({
      retries: options.retries,
      deadline: () => deadline,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.onGiveUp ? { onGiveUp: options.onGiveUp } : {}),
    }),
    // fetch, unlike node:http under Bun, honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
    requestHandler: new FetchHttpHandler({ requestTimeout: options.attemptTimeoutMs }),
    // The collector that goes with fetch's web streams (the default is node-http-handler's).
    streamCollector,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return {
    async putMetricData(input, { signal, deadline: until }) {
      // Requests never overlap, so one deadline slot serves the retry strategy.
      deadline = until;
      const output = await client.send(new PutMetricDataCommand(input), { abortSignal: signal });
      return { requestId: output.$metadata.requestId, attempts: output.$metadata.attempts ?? 1 };
    },
    async credentials() {
      const c = await client.config.credentials();
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        source: describeSource(c),
      };
    },
    async endpoint() {
      const configured = await client.config.serviceConfiguredEndpoint?.();
      const url = client.config.endpointProvider({
        Region: options.region,
        ...(configured ? { Endpoint: configured } : {}),
      }).url;
      return url.href;
    },
  };
}

/**
 * The region of the active AWS profile (`AWS_PROFILE`, `~/.aws/config`), if it names one: the
 * shared files only — not the SDK's whole region chain, which would also ask instance metadata.
 */
export async function profileRegion(): Promise<string | undefined> {
  try {
    const fromFiles = loadConfig<string | undefined>({
      environmentVariableSelector: () => undefined,
      configFileSelector: (profile) => profile.region,
      default: () => undefined,
    });
    return await fromFiles();
  } catch {
    return undefined;
  }
}
