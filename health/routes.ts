// GET and HEAD /livez, /startupz, /readyz, /healthz and /<endpoint>/<check>, in text/plain, never
// cached. Success is 200; failure is 503 and names the failing checks, never their reasons.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { endpoints, type Endpoint, type Health } from './health.ts';

export function healthRoutes(health: Health): Hono {
  const app = new Hono();
  for (const endpoint of endpoints) {
    app.get(`/${endpoint}`, async (c) => {
      const report = await health.report(endpoint, { verbose: c.req.query('verbose') !== undefined, exclude: c.req.queries('exclude') ?? [] });
      return answer(c, report.ok, report.body);
    });
    app.get(`/${endpoint}/:check`, async (c) => {
      const name = c.req.param('check');
      const check = health.checks(endpoint as Endpoint).find((candidate) => candidate.name === name);
      if (!check) return answer(c, false, `no health check named ${JSON.stringify(name)}\n`, 404);
      const others = health.checks(endpoint).filter((candidate) => candidate.name !== name).map((candidate) => candidate.name);
      const report = await health.report(endpoint, { verbose: false, exclude: others });
      return answer(c, report.ok, report.ok ? 'ok' : `[-]${name} failed: reason withheld\n`);
    });
  }
  return app;
}

function answer(c: Context, ok: boolean, body: string, failureStatus: 404 | 503 = 503): Response {
  c.header('Content-Type', 'text/plain; charset=utf-8');
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  return c.body(body, ok ? 200 : failureStatus);
}
