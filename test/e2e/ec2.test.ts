/** The binary on a (fake) EC2 instance: region and dimensions from IMDSv2, and its failures. */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { FakeCloudWatch } from "../support/fake-cloudwatch.ts";
import { FakeImds, TEST_INSTANCE } from "../support/fake-imds.ts";
import { fakeEnv, jsonLines, run } from "../support/program.ts";

const fake = new FakeCloudWatch().start();
const imds = new FakeImds().start();
afterAll(async () => {
  await fake.stop();
  await imds.stop();
});
beforeEach(() => {
  fake.reset();
  imds.mode = "ok";
  imds.instance = TEST_INSTANCE;
});

/** An instance: no region configured, metadata at the fake. */
const onEc2 = (over: Record<string, string | undefined> = {}) =>
  fakeEnv(fake.url, {
    AWS_REGION: undefined,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
    ...over,
  });

test("with no region configured, the region comes from the instance identity document", async () => {
  const r = await run("binary", ["once"], onEc2());
  expect(r.code).toBe(0);
  // The fake checks the SigV4 scope, so the request was signed for the instance's region.
  expect(fake.accepted).toHaveLength(1);
  expect(jsonLines(r.stdout)[0]).toMatchObject({
    region: "ap-southeast-2",
    regionSource: "EC2 instance metadata",
  });
});

test("METRIC_EC2_DIMENSIONS adds the instance's dimensions to every datum", async () => {
  const r = await run(
    "binary",
    ["once"],
    onEc2({
      METRIC_DIMENSIONS: "Service=web",
      METRIC_EC2_DIMENSIONS: "InstanceId,InstanceType,AutoScalingGroupName",
    }),
  );
  expect(r.code).toBe(0);
  expect(fake.accepted[0]?.dimensions).toEqual([
    { Name: "Service", Value: "web" },
    { Name: "InstanceId", Value: "i-0123456789abcdef0" },
    { Name: "InstanceType", Value: "t4g.nano" },
    { Name: "AutoScalingGroupName", Value: "web-asg" },
  ]);
});

test("a dimension metadata cannot give stops the start with exit 2 and says why", async () => {
  imds.instance = { ...TEST_INSTANCE, tags: undefined };
  const r = await run(
    "binary",
    ["once"],
    onEc2({ AWS_REGION: "ap-southeast-2", METRIC_EC2_DIMENSIONS: "AutoScalingGroupName" }),
  );
  expect(r.code).toBe(2);
  expect(String(jsonLines(r.stderr)[0]?.msg)).toContain(
    "invalid configuration: METRIC_EC2_DIMENSIONS: AutoScalingGroupName: instance metadata cannot give it (not found (404)): the instance is not in an Auto Scaling group, or instance tags are not enabled",
  );
  expect(fake.requests).toHaveLength(0);
});

test("IMDSv2 token refused: no IMDSv1 fallback, a clear startup error", async () => {
  imds.mode = "refuse-token";
  const r = await run(
    "binary",
    ["once"],
    onEc2({ AWS_REGION: "ap-southeast-2", METRIC_EC2_DIMENSIONS: "InstanceId" }),
  );
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    "InstanceId: instance metadata cannot give it (refused: the IMDSv2 token was not accepted)",
  );
});

test("off EC2 (metadata never answers): the usual no-region message within 2 s", async () => {
  imds.mode = "silent";
  const r = await run("binary", ["once"], onEc2());
  expect(r.code).toBe(2);
  expect(r.ms).toBeLessThan(2_000);
  expect(String(jsonLines(r.stderr)[0]?.msg)).toContain("invalid configuration: AWS_REGION: not set");
});
