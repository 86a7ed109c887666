/** Credentials through the SDK's default chain, and what to say when there are none. */
import type { CloudWatch, ResolvedCredentials } from "./cloudwatch/client.ts";
import type { Env } from "./config/load.ts";
import { CredentialsError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { describeError } from "./sinks/cloudwatch.ts";

export const maskKey = (id: string) => `****${id.slice(-4)}`;

export function credentialsHelp(env: Env): string {
  const hints: string[] = [];
  if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY)
    hints.push("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  if (!env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    hints.push("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  if (env.AWS_PROFILE)
    hints.push(`profile "${env.AWS_PROFILE}" (AWS_PROFILE) was not found or holds no credentials`);
  if (env.AWS_EC2_METADATA_DISABLED === "true")
    hints.push("EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED)");
  return [
    "no AWS credentials found.",
    ...hints.map((h) => `Note: ${h}.`),
    "Tried, in order: environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);",
    "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN); shared files (~/.aws/credentials, ~/.aws/config,",
    `profile "${env.AWS_PROFILE ?? "default"}"), SSO and credential_process; the ECS/EKS container credentials endpoint;`,
    "EC2 instance metadata (instance role).",
    "Provide one: an IAM role for the instance/task/pod, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
  ].join(" ");
}

/** Resolves credentials, adding the secrets to `secrets` (which the logger redacts). */
export async function resolveCredentials(
  cw: CloudWatch,
  d: { env: Env; log: Logger; secrets: Set<string> },
): Promise<ResolvedCredentials> {
  try {
    const c = await cw.credentials();
    d.secrets.add(c.secretAccessKey);
    if (c.sessionToken) d.secrets.add(c.sessionToken);
    return c;
  } catch (error) {
    d.log.debug("credential chain failed", describeError(error));
    throw new CredentialsError(credentialsHelp(d.env), { cause: error });
  }
}
