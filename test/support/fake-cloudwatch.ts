/**
 * A fake CloudWatch PutMetricData endpoint on 127.0.0.1: speaks awsJson1_0 (the JS SDK) and
 * awsQuery (aws-cli), verifies SigV4, enforces the documented limits as CloudWatch does, records
 * what it accepted, and can be told to answer 503, throttle, stall or drop connections.
 */
import { gunzipSync } from "node:zlib";
import {
  MAX_ABS_VALUE,
  MAX_DATUMS_PER_REQUEST,
  MAX_DIMENSION_NAME_LENGTH,
  MAX_DIMENSION_VALUE_LENGTH,
  MAX_DIMENSIONS_PER_DATUM,
  MAX_FUTURE_MS,
  MAX_METRIC_NAME_LENGTH,
  MAX_NAMESPACE_LENGTH,
  MAX_PAST_MS,
  UNITS,
} from "../../src/cloudwatch/limits.ts";
import { type SigningCredentials, verifySigV4 } from "./sigv4.ts";

export const TEST_CREDENTIALS = {
  accessKeyId: "AKIDFAKECLOUDWATCH01",
  secretAccessKey: "fake/Secret+Key/for/the/fake/endpoint/0001",
} as const;
export const TEST_REGION = "ap-southeast-2";
export const TEST_SESSION_TOKEN = "FwoGZXIvYXdzEBYaDSessionTokenForTheFakeEndpoint0123456789";

/** 1 MB per HTTP POST, as CloudWatch documents it. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface AcceptedDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly value: number;
  readonly unit: string | undefined;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly dimensions: readonly { Name: string; Value: string }[];
  readonly storageResolution: number | undefined;
  readonly requestId: string;
  readonly receivedAt: number;
}

export interface RequestRecord {
  readonly requestId: string;
  readonly protocol: "json" | "query";
  readonly status: number;
  readonly error?: string;
  readonly gzip: boolean;
  readonly bytes: number;
  readonly datums: number;
  readonly receivedAt: number;
  readonly userAgent: string;
}

export type Fault = "unavailable" | "internal" | "throttle" | "stall" | "drop" | "invalid" | "garbage";

/** Makes the fake refuse any request holding a datum that matches, as CloudWatch refuses bad data. */
export interface DatumRejection {
  readonly match: (datum: { MetricName?: unknown; Value?: unknown }) => boolean;
  /** Name the datum's index in the message (as CloudWatch does for most errors), or not. */
  readonly nameMember: boolean;
}

export interface FakeOptions {
  readonly credentials?: SigningCredentials;
  readonly region?: string;
  readonly now?: () => number;
}

interface RawDatum {
  MetricName?: unknown;
  Value?: unknown;
  Unit?: unknown;
  Timestamp?: unknown;
  Dimensions?: unknown;
  StorageResolution?: unknown;
  Values?: unknown;
  Counts?: unknown;
  StatisticValues?: unknown;
}

class Rejection {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

const invalid = (message: string) => new Rejection(400, "InvalidParameterValue", message);

/** Parses awsQuery form fields (`MetricData.member.1.Dimensions.member.2.Name=...`) into datums. */
function parseQuery(form: URLSearchParams): { action: string | null; namespace: unknown; data: RawDatum[] } {
  const data: RawDatum[] = [];
  for (let i = 1; form.has(`MetricData.member.${i}.MetricName`); i++) {
    const at = (field: string) => form.get(`MetricData.member.${i}.${field}`) ?? undefined;
    const dimensions: { Name: string; Value: string }[] = [];
    for (let j = 1; at(`Dimensions.member.${j}.Name`) !== undefined; j++) {
      dimensions.push({
        Name: at(`Dimensions.member.${j}.Name`) ?? "",
        Value: at(`Dimensions.member.${j}.Value`) ?? "",
      });
    }
    const resolution = at("StorageResolution");
    data.push({
      MetricName: at("MetricName"),
      Value: at("Value") === undefined ? undefined : Number(at("Value")),
      Unit: at("Unit"),
      Timestamp: at("Timestamp"),
      ...(dimensions.length > 0 ? { Dimensions: dimensions } : {}),
      ...(resolution === undefined ? {} : { StorageResolution: Number(resolution) }),
    });
  }
  return { action: form.get("Action"), namespace: form.get("Namespace"), data };
}

function isAsciiPrintable(s: string): boolean {
  return /^[\x20-\x7e]+$/.test(s);
}

function parseTimestamp(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === "number") return raw * 1000;
  if (typeof raw === "string") {
    const t = Date.parse(raw);
    return Number.isNaN(t) ? Number.NaN : t;
  }
  return Number.NaN;
}

/** Checks a PutMetricData request the way CloudWatch documents it; throws a Rejection. */
function validate(namespace: unknown, data: RawDatum[], now: number): void {
  if (typeof namespace !== "string" || namespace.length < 1)
    throw new Rejection(400, "MissingParameter", "The parameter Namespace is required.");
  if (
    namespace.length > MAX_NAMESPACE_LENGTH ||
    namespace.startsWith(":") ||
    namespace.startsWith("AWS/") ||
    !isAsciiPrintable(namespace)
  )
    throw invalid(`The value ${namespace} for parameter Namespace is invalid.`);
  if (data.length < 1) throw new Rejection(400, "MissingParameter", "The parameter MetricData is required.");
  if (data.length > MAX_DATUMS_PER_REQUEST)
    throw invalid(`The collection MetricData must not have a size greater than ${MAX_DATUMS_PER_REQUEST}.`);
  data.forEach((d, i) => {
    const at = `MetricData.member.${i + 1}`;
    if (
      typeof d.MetricName !== "string" ||
      d.MetricName.length < 1 ||
      d.MetricName.length > MAX_METRIC_NAME_LENGTH
    )
      throw invalid(`The value for parameter ${at}.MetricName is invalid.`);
    if (d.Values !== undefined || d.StatisticValues !== undefined)
      throw invalid(`${at}: this fake only accepts single values.`);
    if (typeof d.Value !== "number" || !Number.isFinite(d.Value) || Math.abs(d.Value) > MAX_ABS_VALUE)
      throw invalid(`The value ${String(d.Value)} for parameter ${at}.Value is invalid.`);
    if (d.Unit !== undefined && !(UNITS as readonly unknown[]).includes(d.Unit))
      throw invalid(`The value ${String(d.Unit)} for parameter ${at}.Unit is invalid.`);
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60)
      throw invalid(
        `The value ${String(d.StorageResolution)} for parameter ${at}.StorageResolution is invalid.`,
      );
    const t = parseTimestamp(d.Timestamp);
    if (t !== undefined) {
      if (Number.isNaN(t)) throw invalid(`The value for parameter ${at}.Timestamp is invalid.`);
      if (t > now + MAX_FUTURE_MS)
        throw invalid(
          `The parameter ${at}.Timestamp must specify a time no more than two hours in the future.`,
        );
      if (t < now - MAX_PAST_MS)
        throw invalid(
          `The parameter ${at}.Timestamp must specify a time no more than two weeks in the past.`,
        );
    }
    const dims = (d.Dimensions ?? []) as { Name?: unknown; Value?: unknown }[];
    if (!Array.isArray(dims) || dims.length > MAX_DIMENSIONS_PER_DATUM)
      throw invalid(
        `The collection ${at}.Dimensions must not have a size greater than ${MAX_DIMENSIONS_PER_DATUM}.`,
      );
    const names = new Set<string>();
    dims.forEach((dim, j) => {
      const where = `${at}.Dimensions.member.${j + 1}`;
      if (
        typeof dim.Name !== "string" ||
        dim.Name.length > MAX_DIMENSION_NAME_LENGTH ||
        !isAsciiPrintable(dim.Name) ||
        dim.Name.trim() === "" ||
        dim.Name.startsWith(":")
      )
        throw invalid(`The value for parameter ${where}.Name is invalid.`);
      if (
        typeof dim.Value !== "string" ||
        dim.Value.length > MAX_DIMENSION_VALUE_LENGTH ||
        !isAsciiPrintable(dim.Value) ||
        dim.Value.trim() === ""
      )
        throw invalid(`The value for parameter ${where}.Value is invalid.`);
      if (names.has(dim.Name)) throw invalid(`The dimension name ${dim.Name} in ${at} is duplicated.`);
      names.add(dim.Name);
    });
  });
}

const QUERY_NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const xmlEscape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class FakeCloudWatch {
  readonly accepted: AcceptedDatum[] = [];
  readonly requests: RequestRecord[] = [];
  readonly credentials: SigningCredentials;
  readonly region: string;
  private readonly now: () => number;
  private server: ReturnType<typeof Bun.serve> | undefined;
  private port = 0;
  private faults: Fault[] = [];
  private persistentFault: Fault | undefined;
  private plan: ((request: number) => Fault | undefined) | undefined;
  private requestCount = 0;
  /** Refuse requests holding a matching datum (see DatumRejection). */
  rejection: DatumRejection | undefined;
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly stalled = new Set<() => void>();
  private sequence = 0;

  constructor(options: FakeOptions = {}) {
    this.credentials = options.credentials ?? TEST_CREDENTIALS;
    this.region = options.region ?? TEST_REGION;
    this.now = options.now ?? Date.now;
  }

  /** Starts listening on a random loopback port (or the previous one after `down()`). */
  start(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: this.port,
      idleTimeout: 60,
      fetch: (req) => this.handle(req),
    });
    this.port = this.server.port ?? 0;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The most requests that were being handled at the same moment. */
  get peakConcurrency(): number {
    return this.maxInFlight;
  }

  /** Forgets what it accepted and every fault it was told to inject (between tests). */
  reset(): void {
    this.accepted.length = 0;
    this.requests.length = 0;
    this.faults = [];
    this.setFault(undefined);
    this.rejection = undefined;
  }

  /** Answer the next `count` requests with `fault` (after those, answer normally). */
  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** Answer every request with `fault` until set back to undefined. */
  setFault(fault: Fault | undefined): void {
    this.persistentFault = fault;
    this.plan = undefined;
  }

  /** Decide each request's fault by its number (1, 2, …) from now on, e.g. every other one. */
  setPlan(plan: ((request: number) => Fault | undefined) | undefined): void {
    this.plan = plan;
    this.requestCount = 0;
  }

  /** Stops listening (connections are refused) until `start()`. */
  down(): void {
    this.releaseStalled();
    this.server?.stop(true);
    this.server = undefined;
  }

  async stop(): Promise<void> {
    this.releaseStalled();
    await this.server?.stop(true);
    this.server = undefined;
  }

  /** Resolves once `count` datums have been accepted, or rejects after `timeoutMs`. */
  async waitForDatums(count: number, timeoutMs = 10_000): Promise<AcceptedDatum[]> {
    const until = Date.now() + timeoutMs;
    while (this.accepted.length < count) {
      if (Date.now() > until)
        throw new Error(`fake CloudWatch: ${this.accepted.length} of ${count} datums after ${timeoutMs} ms`);
      await Bun.sleep(10);
    }
    return this.accepted.slice();
  }

  private releaseStalled(): void {
    for (const release of this.stalled) release();
    this.stalled.clear();
  }

  private async handle(req: Request): Promise<Response> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.respond(req);
    } finally {
      this.inFlight--;
    }
  }

  private async respond(req: Request): Promise<Response> {
    const requestId = `fake-${++this.sequence}-${crypto.randomUUID()}`;
    const receivedAt = this.now();
    const raw = new Uint8Array(await req.arrayBuffer());
    const gzip = req.headers.get("content-encoding") === "gzip";
    const isJson = (req.headers.get("content-type") ?? "").startsWith("application/x-amz-json-1.0");
    const protocol: "json" | "query" = isJson ? "json" : "query";
    const record = (status: number, datums: number, error?: string) =>
      this.requests.push({
        requestId,
        protocol,
        status,
        gzip,
        bytes: raw.length,
        datums,
        receivedAt,
        userAgent: req.headers.get("user-agent") ?? "",
        ...(error === undefined ? {} : { error }),
      });
    const fail = (r: Rejection, datums = 0) => {
      record(r.status, datums, r.code);
      return this.errorResponse(protocol, requestId, r);
    };

    const fault = this.faults.shift() ?? this.persistentFault ?? this.plan?.(++this.requestCount);
    if (fault === "stall") {
      record(0, 0, "stall");
      await new Promise<void>((resolve) => this.stalled.add(resolve));
      return new Response(null, { status: 503 });
    }
    if (fault === "drop") {
      record(0, 0, "drop");
      // A body stream that errors makes Bun reset the connection mid-response.
      return new Response(
        new ReadableStream({
          pull(controller) {
            controller.error(
              new Error('fake CloudWatch: dropping this connection on purpose (fault "drop")'),
            );
          },
        }),
      );
    }
    if (fault === "unavailable")
      return fail(new Rejection(503, "ServiceUnavailable", "Service is unavailable."));
    if (fault === "internal")
      return fail(new Rejection(500, "InternalServiceFault", "Internal service error."));
    if (fault === "throttle") return fail(new Rejection(400, "Throttling", "Rate exceeded"));
    if (fault === "invalid") return fail(invalid("The fake endpoint was told to reject this request."));
    if (fault === "garbage") {
      record(200, 0, "garbage");
      return new Response("<html>this is not JSON", {
        headers: { "content-type": "application/x-amz-json-1.0" },
      });
    }

    const authProblem = verifySigV4(
      { method: req.method, url: new URL(req.url), headers: req.headers, body: raw },
      this.credentials,
      { region: this.region, service: "monitoring", now: this.now() },
    );
    if (authProblem) return fail(new Rejection(403, authProblem.code, authProblem.message));
    if (req.method !== "POST") return fail(new Rejection(405, "MethodNotAllowed", "Use POST."));

    let body: Uint8Array;
    try {
      body = gzip ? gunzipSync(raw) : raw;
    } catch {
      return fail(new Rejection(400, "InvalidParameterValue", "The request body could not be decompressed."));
    }
    if (body.length > MAX_BODY_BYTES)
      return fail(
        new Rejection(
          413,
          "RequestEntityTooLarge",
          `Request size ${body.length} exceeded ${MAX_BODY_BYTES} bytes`,
        ),
      );

    let namespace: unknown;
    let data: RawDatum[];
    const text = new TextDecoder().decode(body);
    if (isJson) {
      if (req.headers.get("x-amz-target") !== "GraniteServiceVersion20100801.PutMetricData")
        return fail(new Rejection(400, "UnknownOperationException", "Only PutMetricData is implemented."));
      try {
        const parsed = JSON.parse(text) as { Namespace?: unknown; MetricData?: unknown };
        namespace = parsed.Namespace;
        data = Array.isArray(parsed.MetricData) ? (parsed.MetricData as RawDatum[]) : [];
      } catch {
        return fail(new Rejection(400, "SerializationException", "Malformed JSON body."));
      }
    } else {
      const q = parseQuery(new URLSearchParams(text));
      if (q.action !== "PutMetricData")
        return fail(new Rejection(400, "InvalidAction", `Unsupported action ${String(q.action)}`));
      namespace = q.namespace;
      data = q.data;
    }
    const bad = this.rejection ? data.findIndex((d) => this.rejection?.match(d)) : -1;
    if (bad >= 0) {
      const message = this.rejection?.nameMember
        ? `The value ${String(data[bad]?.Value)} for parameter MetricData.member.${bad + 1}.Value is invalid.`
        : "One or more parameter values are invalid.";
      return fail(invalid(message), data.length);
    }
    try {
      validate(namespace, data, this.now());
    } catch (e) {
      if (e instanceof Rejection) return fail(e, data.length);
      throw e;
    }
    for (const d of data) {
      this.accepted.push({
        namespace: namespace as string,
        metricName: d.MetricName as string,
        value: d.Value as number,
        unit: d.Unit as string | undefined,
        timestamp: parseTimestamp(d.Timestamp) ?? receivedAt,
        dimensions: (d.Dimensions ?? []) as { Name: string; Value: string }[],
        storageResolution: d.StorageResolution as number | undefined,
        requestId,
        receivedAt,
      });
    }
    record(200, data.length);
    return isJson
      ? new Response("{}", {
          headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId },
        })
      : new Response(
          `<PutMetricDataResponse xmlns="${QUERY_NS}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PutMetricDataResponse>`,
          { headers: { "content-type": "text/xml", "x-amzn-requestid": requestId } },
        );
  }

  private errorResponse(protocol: "json" | "query", requestId: string, r: Rejection): Response {
    const fault = r.status >= 500 ? "Receiver" : "Sender";
    if (protocol === "json") {
      return new Response(JSON.stringify({ __type: r.code, message: r.message }), {
        status: r.status,
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": requestId,
          "x-amzn-query-error": `${r.code};${fault}`,
        },
      });
    }
    return new Response(
      `<ErrorResponse xmlns="${QUERY_NS}"><Error><Type>${fault}</Type><Code>${r.code}</Code><Message>${xmlEscape(r.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      { status: r.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId } },
    );
  }
}
