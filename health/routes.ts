// Management health endpoints. Liveness answers from the process alone and never touches a
// dependency, so a database outage cannot make an orchestrator restart a healthy process.
// https://kubernetes.io/docs/reference/using-api/health-checks/
import { Hono } from 'hono';

export function healthRoutes(): Hono {
  const app = new Hono();
  app.get('/livez', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.text('ok');
  });
  return app;
}
