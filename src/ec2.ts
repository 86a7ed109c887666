/**
 * EC2 instance metadata (IMDSv2) for the region and for instance dimensions, through the SDK's
 * MetadataService (token first; `AWS_EC2_METADATA_SERVICE_ENDPOINT` honoured). Short timeouts and
 * no retries, so that off EC2 the answer "no metadata" comes within about a second.
 */
import type { MetadataService } from "@aws-sdk/ec2-metadata-service";
import type { Env } from "./config/load.ts";
import type { Dimension } from "./datum.ts";
import { EC2_DIMENSIONS, type Ec2Dimension } from "./ec2-dimensions.ts";

/** Per request (the token request and the metadata request each get this long)… */
export const IMDS_TIMEOUT_MS = 1_000;
/** …and the whole look-up at most this long, whatever the HTTP client does on a timeout. */
export const IMDS_DEADLINE_MS = 1_500;

/** Reads one metadata path (`latest/meta-data/instance-id`, relative to the endpoint); throws when it cannot. */
export type Imds = (path: string) => Promise<string>;

export class MetadataError extends Error {
  override readonly name = "MetadataError";
}

/** Where IMDS is: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the IPv4 (or IPv6) link-local address. */
export function imdsEndpoint(env: Env): string {
  if (env.AWS_EC2_METADATA_SERVICE_ENDPOINT) return env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  return env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.toLowerCase() === "ipv6"
    ? "http://[fd00:ec2::254]"
    : "http://169.254.169.254";
}

/** The real IMDS, or undefined when `AWS_EC2_METADATA_DISABLED` says not to ask. */
export function sdkImds(env: Env): Imds | undefined {
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") return undefined;
  // Created (and its module loaded) on first use: most runs never ask instance metadata.
  let service: Promise<MetadataService> | undefined;
  const open = async () => {
    const { MetadataService } = await import("@aws-sdk/ec2-metadata-service");
    return new MetadataService({
      // From the environment given, not the SDK's own look-up of process.env.
      endpoint: imdsEndpoint(env),
      httpOptions: { timeout: IMDS_TIMEOUT_MS },
      retries: 0,
      // IMDSv2 only, unless the user asks for the v1 fallback explicitly.
      ec2MetadataV1Disabled: env.AWS_EC2_METADATA_V1_DISABLED?.toLowerCase() !== "false",
    });
  };
  return (path) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new MetadataError(`no answer from instance metadata within ${IMDS_DEADLINE_MS} ms (token)`)),
        IMDS_DEADLINE_MS,
      );
      service ??= open();
      service
        .then((s) => s.request(path, {}))
        .then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
    });
}

const HINTS: Partial<Record<Ec2Dimension, string>> = {
  AutoScalingGroupName:
    "the instance is not in an Auto Scaling group, or instance tags are not enabled in its metadata (aws ec2 modify-instance-metadata-options --instance-metadata-tags enabled)",
};

/** The region of the instance this runs on, from its identity document. */
export async function instanceRegion(imds: Imds): Promise<string> {
  const document = JSON.parse(await imds("latest/dynamic/instance-identity/document")) as {
    region?: unknown;
  };
  if (typeof document.region !== "string") throw new MetadataError("the identity document has no region");
  return document.region;
}

/** Reads each requested dimension; every one metadata cannot give is named in the error. */
export async function instanceDimensions(imds: Imds, names: readonly Ec2Dimension[]): Promise<Dimension[]> {
  const results = await Promise.allSettled(names.map((name) => imds(EC2_DIMENSIONS[name])));
  const problems: string[] = [];
  const dimensions: Dimension[] = [];
  results.forEach((r, i) => {
    const name = names[i] as Ec2Dimension;
    if (r.status === "fulfilled" && r.value.trim() !== "") dimensions.push({ name, value: r.value.trim() });
    else {
      const why = r.status === "rejected" ? describe(r.reason) : "empty answer";
      problems.push(
        `${name}: instance metadata cannot give it (${why})${HINTS[name] ? `: ${HINTS[name]}` : ""}`,
      );
    }
  });
  if (problems.length > 0) throw new MetadataError(problems.join("; "));
  return dimensions;
}

/** One line for an IMDS failure, with the usual causes. */
export function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/status code 404/.test(text)) return "not found (404)";
  if (/status code 401|status code 403/.test(text)) return "refused: the IMDSv2 token was not accepted";
  if (/token/i.test(text))
    return `no IMDSv2 token (${text.replace(/^Error fetching metadata token: /, "").slice(0, 120)}); off EC2, or in a container whose hop limit is 1`;
  return text.slice(0, 200);
}
