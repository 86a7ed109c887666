/** The region and dimensions the host can tell about itself: AWS profile, EC2 instance metadata. */
import type { Config } from "./config/load.ts";
import type { Dimension } from "./datum.ts";
import {
  describe as describeImds,
  type Imds,
  instanceDimensions,
  instanceRegion,
  MetadataError,
} from "./ec2.ts";
import { ConfigError } from "./errors.ts";
import type { Logger } from "./log.ts";

/** A region from the AWS profile, else from EC2 instance metadata (fast to fail off EC2). */
export async function findRegion(
  profileRegion: () => Promise<string | undefined>,
  imds: Imds | undefined,
  log: Logger,
): Promise<{ region: string; source: string } | undefined> {
  const fromProfile = await profileRegion();
  if (fromProfile) return { region: fromProfile, source: "the AWS profile" };
  if (!imds) return undefined;
  try {
    return { region: await instanceRegion(imds), source: "EC2 instance metadata" };
  } catch (error) {
    log.debug("no region from instance metadata", { reason: describeImds(error) });
    return undefined;
  }
}

/** The `METRIC_EC2_DIMENSIONS` values; a dimension metadata cannot give stops the start. */
export async function ec2Dimensions(config: Config, imds: Imds | undefined): Promise<Dimension[]> {
  if (config.ec2Dimensions.length === 0) return [];
  if (!imds) {
    throw new ConfigError([
      "METRIC_EC2_DIMENSIONS: is set, but instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true)",
    ]);
  }
  try {
    return await instanceDimensions(imds, config.ec2Dimensions);
  } catch (error) {
    const message = error instanceof MetadataError ? error.message : describeImds(error);
    throw new ConfigError([`METRIC_EC2_DIMENSIONS: ${message}`], { cause: error });
  }
}
