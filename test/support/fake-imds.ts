/**
 * A fake EC2 instance metadata service on 127.0.0.1 that requires IMDSv2: a session token from
 * `PUT /latest/api/token`, then the token on every `GET`. It can refuse tokens, or never answer
 * (what a container sees when the hop limit is 1).
 */
export interface Instance {
  readonly region: string;
  readonly instanceId: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly availabilityZone: string;
  /** Instance tags in metadata; undefined when that option is off (404). */
  readonly tags?: Record<string, string> | undefined;
}

export const TEST_INSTANCE: Instance = {
  region: "ap-southeast-2",
  instanceId: "i-0123456789abcdef0",
  instanceType: "t4g.nano",
  imageId: "ami-0fedcba9876543210",
  availabilityZone: "ap-southeast-2b",
  tags: { "aws:autoscaling:groupName": "web-asg" },
};

export type ImdsMode = "ok" | "refuse-token" | "silent";

export class FakeImds {
  readonly requests: { method: string; path: string; token: boolean }[] = [];
  mode: ImdsMode = "ok";
  private server: ReturnType<typeof Bun.serve> | undefined;
  private readonly token = `token-${crypto.randomUUID()}`;
  private readonly hanging = new Set<() => void>();

  constructor(public instance: Instance = TEST_INSTANCE) {}

  start(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 30,
      fetch: (r) => this.handle(r),
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server?.port}`;
  }

  async stop(): Promise<void> {
    for (const release of this.hanging) release();
    await this.server?.stop(true);
  }

  private async handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const token = req.headers.get("x-aws-ec2-metadata-token");
    this.requests.push({ method: req.method, path, token: token !== null });
    if (this.mode === "silent") {
      await new Promise<void>((resolve) => this.hanging.add(resolve));
      return new Response(null, { status: 504 });
    }
    if (req.method === "PUT" && path === "/latest/api/token") {
      if (this.mode === "refuse-token") return new Response("Forbidden", { status: 403 });
      const ttl = Number(req.headers.get("x-aws-ec2-metadata-token-ttl-seconds"));
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600)
        return new Response("Bad Request", { status: 400 });
      return new Response(this.token);
    }
    if (req.method !== "GET") return new Response("Method Not Allowed", { status: 405 });
    // IMDSv2 required: no token (or a wrong one), no data.
    if (token !== this.token) return new Response("Unauthorized", { status: 401 });
    const i = this.instance;
    const data: Record<string, string> = {
      "/latest/dynamic/instance-identity/document": JSON.stringify({
        accountId: "123456789012",
        architecture: "arm64",
        availabilityZone: i.availabilityZone,
        imageId: i.imageId,
        instanceId: i.instanceId,
        instanceType: i.instanceType,
        region: i.region,
      }),
      "/latest/meta-data/instance-id": i.instanceId,
      "/latest/meta-data/instance-type": i.instanceType,
      "/latest/meta-data/ami-id": i.imageId,
      "/latest/meta-data/placement/availability-zone": i.availabilityZone,
    };
    for (const [key, value] of Object.entries(i.tags ?? {}))
      data[`/latest/meta-data/tags/instance/${key}`] = value;
    const body = data[path];
    return body === undefined ? new Response("Not Found", { status: 404 }) : new Response(body);
  }
}
