// The System Health page: services with their instances, and the durable queues. It refreshes
// itself every 5 seconds with a meta refresh (the pages run no script) and links nowhere outside.
import { html } from 'hono/html';
import type { SystemHealth } from '../system-health.ts';
import { page } from './layout.ts';

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
const label = { ready: 'ready', not_ready: 'not ready', down: 'down', degraded: 'degraded' } as const;

export function systemHealthPage(view: SystemHealth, csrf: string) {
  const services = view.services.map(
    (s) => html`<tr class="service"><th colspan="5">${s.name} <span class="health-${s.status}" data-service-status="${s.status}">${label[s.status]}</span></th></tr>
${s.instances.length === 0 ? html`<tr><td colspan="5" class="muted">no running instance</td></tr>` : ''}
${s.instances.map(
  (i) => html`<tr data-instance="${i.instanceId}"><td><code>${i.instanceId.slice(0, 8)}</code> on ${i.host}</td><td class="health-${i.status}">${label[i.status]}${i.failingChecks.length > 0 ? html`<br><span class="muted">failing: ${i.failingChecks.join(', ')}</span>` : ''}</td><td>last seen ${seconds(i.lastSeenAgeMs)} ago</td><td>${i.version}</td><td class="muted">started ${i.startedAt.replace('T', ' ').slice(0, 19)}</td></tr>`,
)}`,
  );
  const queues = view.queues.map(
    (q) => html`<tr data-queue="${q.name}"${q.warning ? html` class="warning"` : ''}><td>${q.name}</td><td class="depth">${q.depth}</td><td class="oldest">${seconds(q.oldestAgeMs)}${q.warning ? html` <strong>older than ${seconds(view.queueAgeWarningMs)}</strong>` : ''}</td><td>${q.inFlight}</td><td class="dead">${q.deadLettered}</td></tr>`,
  );
  return page(
    'System health',
    html`<p class="muted">Generated <time datetime="${view.generatedAt}">${view.generatedAt.replace('T', ' ').slice(0, 19)} UTC</time>; refreshes every 5 seconds.</p>
<h2>Services</h2>
<table>${services}</table>
<h2>Queues</h2>
<table><thead><tr><th>Queue</th><th>Depth</th><th>Oldest item</th><th>In flight</th><th>Dead-lettered</th></tr></thead><tbody>${queues}</tbody></table>
<p>Dead-lettered in all: <strong data-dead-total>${view.deadLettered}</strong></p>`,
    { csrf, admin: true },
    { refreshSeconds: 5 },
  );
}
