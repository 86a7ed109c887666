/**
 * An independent SigV4 verifier for the fake endpoint (written from the AWS Signature Version 4
 * specification, not from the SDK), so a signing mistake in the publisher cannot hide.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(url: URL): string {
  return [...url.searchParams]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** Returns undefined when the request is correctly signed, else why it is not. */
export function verifySigV4(
  req: SignedRequest,
  creds: SigningCredentials,
  expect: { region: string; service: string; now: number; maxSkewMs?: number },
): { code: string; message: string } | undefined {
  const auth = req.headers.get("authorization");
  if (!auth)
    return { code: "MissingAuthenticationToken", message: "Request is missing Authentication Token" };
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return { code: "IncompleteSignature", message: `Malformed Authorization header: ${auth}` };
  const [, keyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  if (keyId !== creds.accessKeyId)
    return {
      code: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  if (region !== expect.region)
    return {
      code: "SignatureDoesNotMatch",
      message: `Credential should be scoped to a valid region, not '${region}'.`,
    };
  if (service !== expect.service)
    return {
      code: "SignatureDoesNotMatch",
      message: `Credential should be scoped to correct service: '${expect.service}'.`,
    };
  const amzDate = req.headers.get("x-amz-date") ?? "";
  const parsed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!parsed || amzDate.slice(0, 8) !== date)
    return {
      code: "IncompleteSignature",
      message: "X-Amz-Date is missing or does not match the credential scope",
    };
  const [, y, mo, d, h, mi, s] = parsed.map(Number) as number[];
  const signedAt = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
  if (Math.abs(expect.now - signedAt) > (expect.maxSkewMs ?? 5 * 60_000))
    return {
      code: "InvalidSignatureException",
      message: `Signature expired: ${amzDate} is now earlier or later than allowed.`,
    };
  const signedHeaders = (signedHeaderList ?? "").split(";");
  for (const required of ["host", "x-amz-date"]) {
    if (!signedHeaders.includes(required))
      return { code: "SignatureDoesNotMatch", message: `Header ${required} is not signed` };
  }
  if (creds.sessionToken !== undefined) {
    if (
      req.headers.get("x-amz-security-token") !== creds.sessionToken ||
      !signedHeaders.includes("x-amz-security-token")
    )
      return {
        code: "UnrecognizedClientException",
        message: "The security token included in the request is invalid.",
      };
  }
  const payloadHash = sha256(req.body);
  const declared = req.headers.get("x-amz-content-sha256");
  if (declared !== null && declared !== payloadHash && declared !== "UNSIGNED-PAYLOAD")
    return { code: "SignatureDoesNotMatch", message: "x-amz-content-sha256 does not match the body" };
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(req.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonicalRequest = [
    req.method,
    req.url.pathname.split("/").map(encode).join("/") || "/",
    canonicalQuery(req.url),
    canonicalHeaders,
    signedHeaderList,
    declared ?? payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date ?? ""), region ?? ""), service ?? ""),
    "aws4_request",
  );
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  const given = Buffer.from(signature ?? "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      code: "SignatureDoesNotMatch",
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    };
  }
  return undefined;
}
