/**
 * Bad configurations shared by the unit test of the loader and the end-to-end test of the
 * binary: each names the variable that must be reported and a fragment of the message.
 */
export interface BadConfig {
  readonly env: Record<string, string>;
  readonly variable: string;
  readonly says: string;
}

const long = (n: number, c = "a") => c.repeat(n);

export const BAD_CONFIGS: readonly BadConfig[] = [
  { env: { AWS_REGION: "invalid-region" }, variable: "AWS_REGION", says: "is not an AWS region" },
  { env: { AWS_REGION: "" }, variable: "AWS_REGION", says: "empty" },
  { env: { AWS_REGION: "US-EAST-1" }, variable: "AWS_REGION", says: "is not an AWS region" },
  { env: { AWS_REGION: "us-east-1; rm -rf /" }, variable: "AWS_REGION", says: "is not an AWS region" },
  { env: { AWS_REGION: "us-east" }, variable: "AWS_REGION", says: "is not an AWS region" },
  { env: { METRIC_NAMESPACE: "" }, variable: "METRIC_NAMESPACE", says: "empty" },
  { env: { METRIC_NAMESPACE: "   " }, variable: "METRIC_NAMESPACE", says: "empty" },
  { env: { METRIC_NAMESPACE: "AWS/EC2" }, variable: "METRIC_NAMESPACE", says: "reserved" },
  { env: { METRIC_NAMESPACE: ":Mine" }, variable: "METRIC_NAMESPACE", says: 'must not start with ":"' },
  { env: { METRIC_NAMESPACE: long(256) }, variable: "METRIC_NAMESPACE", says: "256 characters" },
  { env: { METRIC_NAMESPACE: "Métriques" }, variable: "METRIC_NAMESPACE", says: "printable ASCII" },
  { env: { METRIC_NAMESPACE: "a\u0007b" }, variable: "METRIC_NAMESPACE", says: "printable ASCII" },
  { env: { METRIC_NAME: "" }, variable: "METRIC_NAME", says: "empty" },
  { env: { METRIC_NAME: long(256) }, variable: "METRIC_NAME", says: "256 characters" },
  { env: { METRIC_NAME: "a\tb" }, variable: "METRIC_NAME", says: "control characters" },
  { env: { METRIC_VALUE: "" }, variable: "METRIC_VALUE", says: "empty" },
  { env: { METRIC_VALUE: "abc" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_VALUE: "NaN" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_VALUE: "Infinity" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_VALUE: "-Infinity" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_VALUE: "1e400" }, variable: "METRIC_VALUE", says: "out of range" },
  { env: { METRIC_VALUE: "3e108" }, variable: "METRIC_VALUE", says: "out of range" },
  { env: { METRIC_VALUE: "0x10" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_VALUE: "1,5" }, variable: "METRIC_VALUE", says: "not a finite decimal number" },
  { env: { METRIC_UNIT: "count" }, variable: "METRIC_UNIT", says: 'did you mean "Count"' },
  { env: { METRIC_UNIT: "Second" }, variable: "METRIC_UNIT", says: 'did you mean "Seconds"' },
  { env: { METRIC_UNIT: "ms" }, variable: "METRIC_UNIT", says: 'did you mean "Milliseconds"' },
  { env: { METRIC_UNIT: "Furlongs" }, variable: "METRIC_UNIT", says: "is not a CloudWatch unit" },
  { env: { METRIC_UNIT: "" }, variable: "METRIC_UNIT", says: "empty" },
  { env: { METRIC_DIMENSIONS: "" }, variable: "METRIC_DIMENSIONS", says: "empty" },
  { env: { METRIC_DIMENSIONS: "Host" }, variable: "METRIC_DIMENSIONS", says: "is not Name=Value" },
  { env: { METRIC_DIMENSIONS: "=web" }, variable: "METRIC_DIMENSIONS", says: "empty name" },
  { env: { METRIC_DIMENSIONS: "Host=" }, variable: "METRIC_DIMENSIONS", says: "empty value" },
  { env: { METRIC_DIMENSIONS: "A=1,A=2" }, variable: "METRIC_DIMENSIONS", says: "repeated" },
  { env: { METRIC_DIMENSIONS: "A=1," }, variable: "METRIC_DIMENSIONS", says: "is not Name=Value" },
  {
    env: { METRIC_DIMENSIONS: Array.from({ length: 31 }, (_, i) => `D${i}=v`).join(",") },
    variable: "METRIC_DIMENSIONS",
    says: "31 dimensions",
  },
  {
    env: { METRIC_DIMENSIONS: `${long(256)}=v` },
    variable: "METRIC_DIMENSIONS",
    says: "name is 256 characters",
  },
  {
    env: { METRIC_DIMENSIONS: `A=${long(1025)}` },
    variable: "METRIC_DIMENSIONS",
    says: "value is 1025 characters",
  },
  { env: { METRIC_DIMENSIONS: "Ville=Zürich" }, variable: "METRIC_DIMENSIONS", says: "printable ASCII" },
  { env: { METRIC_DIMENSIONS: ":Host=a" }, variable: "METRIC_DIMENSIONS", says: 'must not start with ":"' },
  {
    env: { METRIC_EC2_DIMENSIONS: "InstanceID" },
    variable: "METRIC_EC2_DIMENSIONS",
    says: 'did you mean "InstanceId"',
  },
  {
    env: { METRIC_EC2_DIMENSIONS: "InstanceId,InstanceId" },
    variable: "METRIC_EC2_DIMENSIONS",
    says: "repeated",
  },
  {
    env: { METRIC_EC2_DIMENSIONS: "InstanceId", METRIC_DIMENSIONS: "InstanceId=i-1" },
    variable: "METRIC_EC2_DIMENSIONS",
    says: "also set in METRIC_DIMENSIONS",
  },
  {
    env: {
      METRIC_EC2_DIMENSIONS: "InstanceId",
      METRIC_DIMENSIONS: Array.from({ length: 30 }, (_, i) => `D${i}=v`).join(","),
    },
    variable: "METRIC_EC2_DIMENSIONS",
    says: "31 dimensions",
  },
  { env: { METRIC_STORAGE_RESOLUTION: "30" }, variable: "METRIC_STORAGE_RESOLUTION", says: "allowed: 60, 1" },
  { env: { METRIC_STORAGE_RESOLUTION: "" }, variable: "METRIC_STORAGE_RESOLUTION", says: "empty" },
  { env: { PUBLISH_INTERVAL_SECONDS: "0" }, variable: "PUBLISH_INTERVAL_SECONDS", says: "below the minimum" },
  {
    env: { PUBLISH_INTERVAL_SECONDS: "86401" },
    variable: "PUBLISH_INTERVAL_SECONDS",
    says: "above the maximum",
  },
  {
    env: { PUBLISH_INTERVAL_SECONDS: "1.5" },
    variable: "PUBLISH_INTERVAL_SECONDS",
    says: "not a whole number",
  },
  {
    env: { PUBLISH_INTERVAL_SECONDS: "1m" },
    variable: "PUBLISH_INTERVAL_SECONDS",
    says: "not a whole number",
  },
  { env: { PUBLISH_INTERVAL_SECONDS: " " }, variable: "PUBLISH_INTERVAL_SECONDS", says: "empty" },
  { env: { PUBLISH_RETRIES: "-1" }, variable: "PUBLISH_RETRIES", says: "below the minimum" },
  { env: { PUBLISH_RETRIES: "11" }, variable: "PUBLISH_RETRIES", says: "above the maximum" },
  { env: { PUBLISH_RETRIES: "three" }, variable: "PUBLISH_RETRIES", says: "not a whole number" },
  {
    env: { PUBLISH_HEALTH_FILE: "health.json" },
    variable: "PUBLISH_HEALTH_FILE",
    says: "not an absolute path",
  },
  { env: { LOG_FORMAT: "xml" }, variable: "LOG_FORMAT", says: "allowed: json, text" },
  { env: { LOG_LEVEL: "verbose" }, variable: "LOG_LEVEL", says: "allowed: debug, info, warn, error" },
];
