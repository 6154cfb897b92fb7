// HEAD for every route: Hono answers it by running the GET handler and dropping the body, after
// which the runtime announces `Content-Length: 0`. RFC 9110 wants GET's length or none; this runs
// the GET itself and gives its length, so a client checking a resource's size with HEAD (or a
// probe using HEAD) sees what GET would send. Nothing else changes: status and headers are GET's.

type Fetch<Scope> = (request: Request, scope: Scope) => Response | Promise<Response>;

export function withHeadLength<Scope>(fetch: Fetch<Scope>): Fetch<Scope> {
  return (request, scope) => (request.method === 'HEAD' ? head(fetch, request, scope) : fetch(request, scope));
}

async function head<Scope>(fetch: Fetch<Scope>, request: Request, scope: Scope): Promise<Response> {
  const response = await fetch(new Request(request, { method: 'GET' }), scope);
  const headers = new Headers(response.headers);
  if (response.body !== null && !headers.has('content-length')) headers.set('content-length', String((await response.arrayBuffer()).byteLength));
  return new Response(null, { status: response.status, statusText: response.statusText, headers });
}
