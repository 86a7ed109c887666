/** IMDSv2 through the SDK's MetadataService against the fake metadata service. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { instanceDimensions, instanceRegion, MetadataError, sdkImds } from "../src/ec2.ts";
import { FakeImds, TEST_INSTANCE } from "./support/fake-imds.ts";

const imds = new FakeImds().start();
afterAll(() => imds.stop());
beforeEach(() => {
  imds.mode = "ok";
  imds.instance = TEST_INSTANCE;
  imds.requests.length = 0;
});

const client = () => {
  const c = sdkImds({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url });
  if (!c) throw new Error("expected an IMDS client");
  return c;
};

describe("instance metadata", () => {
  test("region from the identity document, token first", async () => {
    expect(await instanceRegion(client())).toBe("ap-southeast-2");
    expect(imds.requests).toEqual([
      { method: "PUT", path: "/latest/api/token", token: false },
      { method: "GET", path: "/latest/dynamic/instance-identity/document", token: true },
    ]);
  });

  test("dimensions from metadata, in the order asked", async () => {
    const dims = await instanceDimensions(client(), [
      "InstanceId",
      "InstanceType",
      "ImageId",
      "AvailabilityZone",
      "AutoScalingGroupName",
    ]);
    expect(dims).toEqual([
      { name: "InstanceId", value: "i-0123456789abcdef0" },
      { name: "InstanceType", value: "t4g.nano" },
      { name: "ImageId", value: "ami-0fedcba9876543210" },
      { name: "AvailabilityZone", value: "ap-southeast-2b" },
      { name: "AutoScalingGroupName", value: "web-asg" },
    ]);
  });

  test("an ASG name without instance tags in metadata is a clear error, not a gap", async () => {
    imds.instance = { ...TEST_INSTANCE, tags: undefined };
    const error = await instanceDimensions(client(), ["InstanceId", "AutoScalingGroupName"]).catch((e) => e);
    expect(error).toBeInstanceOf(MetadataError);
    expect(error.message).toBe(
      "AutoScalingGroupName: instance metadata cannot give it (not found (404)): the instance is not in an Auto Scaling group, or instance tags are not enabled in its metadata (aws ec2 modify-instance-metadata-options --instance-metadata-tags enabled)",
    );
  });

  test("a refused token fails, with no IMDSv1 fallback", async () => {
    imds.mode = "refuse-token";
    const error = await instanceRegion(client()).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(imds.requests.filter((r) => r.method === "GET")).toEqual([]);
  });

  test("an IMDS that never answers (hop limit 1, or off EC2) fails within 2 s", async () => {
    imds.mode = "silent";
    const started = performance.now();
    await expect(instanceRegion(client())).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("AWS_EC2_METADATA_DISABLED=true means no client at all", () => {
    expect(sdkImds({ AWS_EC2_METADATA_DISABLED: "true" })).toBeUndefined();
  });
});
