/** The configuration is invalid; `problems` holds one line per problem, each naming its variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`, options);
    this.problems = problems;
  }
}

/** No AWS credentials could be resolved from any source of the default chain. */
export class CredentialsError extends Error {
  override readonly name = "CredentialsError";
}

/** A cycle could not deliver its datapoints after its retries. */
export class PublishError extends Error {
  override readonly name = "PublishError";
}

/** The command line could not be understood. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
