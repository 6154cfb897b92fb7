// A real egress proxy on 127.0.0.1, written on node:net so it runs alike under both test runners. It
// takes CONNECT tunnels (https://, gRPC, and Node's fetch for http:// too) and absolute-form requests
// (http:// through Bun's fetch or Node's agents), one request a connection. It stands for the
// network beyond the proxy: host names under `.test` exist only there, reached at 127.0.0.1.
import { connect, createServer, type Socket } from 'node:net';

export interface ProxyVisit {
  readonly method: string;
  /** `host:port` the client asked for. */
  readonly target: string;
}

export interface ForwardProxy {
  readonly url: string;
  readonly visits: ProxyVisit[];
  close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const visits: ProxyVisit[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', target = ''] = lines[0]!.split(' ');
      const rest = head.subarray(end + 4);
      if (method === 'CONNECT') tunnel(client, target, rest);
      else forward(client, method, target, lines.slice(1), rest);
    };
    client.on('data', onData);
  });

  const upstream = (client: Socket, hostPort: string, method: string, ready: (socket: Socket) => void) => {
    const at = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, at).replace(/^\[|\]$/g, '');
    visits.push({ method, target: hostPort });
    const socket = connect(Number(hostPort.slice(at + 1)), host.endsWith('.test') ? '127.0.0.1' : host, () => ready(socket));
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  };

  const tunnel = (client: Socket, target: string, rest: Buffer) =>
    upstream(client, target, 'CONNECT', (socket) => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.write(rest);
      socket.pipe(client);
      client.pipe(socket);
    });

  const forward = (client: Socket, method: string, target: string, headers: string[], rest: Buffer) => {
    const url = new URL(target);
    const kept = headers.filter((line) => !/^(connection|proxy-connection|keep-alive|proxy-authorization):/i.test(line));
    upstream(client, `${url.hostname}:${url.port || 80}`, method, (socket) => {
      socket.write(`${method} ${url.pathname}${url.search} HTTP/1.1\r\n${[...kept, 'Connection: close'].join('\r\n')}\r\n\r\n`);
      socket.write(rest);
      socket.pipe(client);
      client.pipe(socket);
    });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    visits,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
