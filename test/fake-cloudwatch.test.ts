/**
 * Cross-checks the fake endpoint with a real, independent client: aws-cli signs with botocore
 * and speaks awsQuery. If the fake accepts its requests and refuses a wrong key, the fake's
 * SigV4 check is a real one.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { FakeCloudWatch, TEST_CREDENTIALS, TEST_REGION } from "./support/fake-cloudwatch.ts";
import { cleanEnv } from "./support/program.ts";

const aws = ["/usr/bin/aws", Bun.which("aws")].find(
  (p) => p && Bun.spawnSync([p, "--version"]).exitCode === 0,
);
if (!aws)
  process.stderr.write(
    "fake-cloudwatch.test.ts: aws-cli not found (apt-get install awscli): skipping cross-checks\n",
  );

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
});

/** Runs aws-cli asynchronously: the fake answers from this same process. */
async function awsCli(args: string[], secret: string = TEST_CREDENTIALS.secretAccessKey) {
  const proc = Bun.spawn(
    [
      aws ?? "aws",
      "cloudwatch",
      "put-metric-data",
      "--endpoint-url",
      fake.url,
      "--region",
      TEST_REGION,
      ...args,
    ],
    {
      env: cleanEnv({
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_MAX_ATTEMPTS: "1",
        AWS_PAGER: "",
      }),
      stdout: "ignore",
      stderr: "pipe",
    },
  );
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  return { code, stderr };
}

describe.skipIf(!aws)("fake CloudWatch with aws-cli (needs aws-cli: apt-get install awscli)", () => {
  test("accepts a correctly signed awsQuery request and records every field", async () => {
    const minuteAgo = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const r = await awsCli([
      "--namespace",
      "Cross/Check",
      "--metric-data",
      JSON.stringify([
        {
          MetricName: "Depth",
          Value: 12.5,
          Unit: "Percent",
          Timestamp: new Date(minuteAgo).toISOString(),
          StorageResolution: 1,
          Dimensions: [
            { Name: "Host", Value: "web-1" },
            { Name: "Env", Value: "prod" },
          ],
        },
      ]),
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fake.requests[0]).toMatchObject({ protocol: "query", status: 200 });
    expect(fake.accepted).toEqual([
      expect.objectContaining({
        namespace: "Cross/Check",
        metricName: "Depth",
        value: 12.5,
        unit: "Percent",
        timestamp: minuteAgo,
        storageResolution: 1,
        dimensions: [
          { Name: "Host", Value: "web-1" },
          { Name: "Env", Value: "prod" },
        ],
      }),
    ]);
  });

  test("refuses a request signed with the wrong secret key", async () => {
    const r = await awsCli(
      ["--namespace", "Cross/Check", "--metric-name", "M", "--value", "1"],
      "not-the-secret",
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("SignatureDoesNotMatch");
    expect(fake.accepted).toHaveLength(0);
  });

  test("rejects what CloudWatch rejects, with CloudWatch's error code", async () => {
    const r = await awsCli(["--namespace", "AWS/EC2", "--metric-name", "M", "--value", "1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("InvalidParameterValue");
    expect(fake.accepted).toHaveLength(0);
  });
});
