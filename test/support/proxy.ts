/**
 * A minimal forward proxy on 127.0.0.1 (absolute-form HTTP requests and CONNECT tunnels), so
 * tests can prove HTTP_PROXY / HTTPS_PROXY / NO_PROXY are honoured. One upstream connection per
 * client connection; it records each request line it forwards.
 */
import net from "node:net";

export class TestProxy {
  readonly seen: string[] = [];
  private readonly server = net.createServer((client) => this.handle(client));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get url(): string {
    const address = this.server.address() as net.AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(client: net.Socket): void {
    client.on("error", () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const text = head.toString("latin1");
      const line = text.slice(0, text.indexOf("\r\n"));
      this.seen.push(line);
      const [method, target = ""] = line.split(" ");
      if (method === "CONNECT") {
        const [host = "", port = "443"] = target.split(":");
        const upstream = net.connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          client.write(head.subarray(end + 4));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on("error", () => client.destroy());
        return;
      }
      const url = new URL(target);
      const upstream = net.connect(Number(url.port || 80), url.hostname, () => {
        // Forward with an origin-form request line and close after one exchange.
        const rewritten = text.replace(target, `${url.pathname}${url.search}`);
        upstream.write(Buffer.from(rewritten, "latin1"));
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
  }
}
