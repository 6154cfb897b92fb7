#!/usr/bin/env bun
// A live OTLP/HTTP endpoint for bench/http's "everything on" run: reads each export and answers 200
// at once, as a local collector would. Prints its port on stderr.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
server.listen(0, '127.0.0.1', () => process.stderr.write(`port=${(server.address() as { port: number }).port}\n`));
