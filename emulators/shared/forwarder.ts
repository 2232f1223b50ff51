import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The emulators listen on 127.0.0.1 only. In a container they must be reachable from the other containers, so
 * their CLIs can put this forwarder in front: it listens on `host:port`, passes every request on to the emulator
 * (`target`, e.g. http://127.0.0.1:41234) and answers with the emulator's reply, in which the emulator's own base
 * URL is replaced by the address the client used (its Host header). So the links the emulator hands out (the
 * Salesforce token response's `instance_url` and identity URL, record URLs) point where the client can follow
 * them, as the real services' links do.
 */
export interface Forwarder {
  /** http://host:port as listened on (the port is the actual one when 0 was asked for). */
  readonly url: string;
  close(): Promise<void>;
}

// Hop-by-hop headers are not forwarded (RFC 9110 7.6.1); content-length is recomputed after the rewrite.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

function forwardable(headers: IncomingHttpHeaders, rewrite: (s: string) => string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = Array.isArray(value) ? value.map(rewrite) : rewrite(value);
  }
  return out;
}

export async function startForwarder(opts: { host: string; port: number; target: string }): Promise<Forwarder> {
  const target = new URL(opts.target);
  const inner = target.origin;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const outer = req.headers.host ? `http://${req.headers.host}` : inner;
    const rewrite = (s: string) => s.replaceAll(inner, outer);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: forwardable(req.headers, (s) => s),
        agent,
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('error', () => res.destroy());
        reply.on('end', () => {
          const raw = Buffer.concat(chunks);
          const textual = /json|xml|text|html/.test(reply.headers['content-type'] ?? '');
          const body = textual ? Buffer.from(rewrite(raw.toString('utf8')), 'utf8') : raw;
          res.writeHead(reply.statusCode ?? 502, reply.statusMessage, {
            ...forwardable(reply.headers, rewrite),
            'content-length': body.length,
          });
          res.end(body);
        });
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`emulator unreachable: ${err.message}\n`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
