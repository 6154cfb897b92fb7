// The deliveries page: newest first, filterable by status, with a replay button on dead letters.
import { html } from 'hono/html';
import type { DeliveryStatus, DeliverySummary } from '../../storage/store.ts';
import { page, time } from './layout.ts';

export interface DeliveriesView {
  readonly deliveries: readonly DeliverySummary[];
  readonly status: DeliveryStatus | undefined;
  readonly csrf: string;
  readonly admin: boolean;
  readonly nextBefore: string | undefined;
  readonly notice?: string;
}

export function deliveriesPage(view: DeliveriesView) {
  const filters = (['all', 'pending', 'delivered', 'dead'] as const).map((s) =>
    (s === 'all' ? view.status === undefined : view.status === s) ? html`<strong>${s}</strong> ` : html`<a href="/deliveries${s === 'all' ? '' : `?status=${s}`}">${s}</a> `,
  );
  const rows = view.deliveries.map(
    (d) => html`<tr>
<td><code>${d.eventId}</code><br><span class="muted">${d.eventType}</span></td><td>${d.destinationName}</td>
<td class="status-${d.status}">${d.status}</td><td>${d.attempts}</td>
<td>${d.lastStatusCode ?? '–'}${d.lastError ? html`<br><span class="muted">${d.lastError}</span>` : ''}</td>
<td>${time(d.deliveredAt ?? d.lastAttemptAt ?? d.createdAt)}${d.status === 'pending' && d.nextAttemptAt ? html`<br><span class="muted">next ${time(d.nextAttemptAt)}</span>` : ''}</td>
<td>${d.status === 'dead' ? html`<form class="inline" method="post" action="/deliveries/${d.id}/replay"><input type="hidden" name="csrf" value="${view.csrf}"><button type="submit">Replay</button></form>` : ''}</td>
</tr>`,
  );
  const next = view.nextBefore ? html`<p><a href="/deliveries?${new URLSearchParams({ ...(view.status ? { status: view.status } : {}), before: view.nextBefore }).toString()}">Older →</a></p>` : '';
  return page(
    'Deliveries',
    html`${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<p>Show: ${filters}</p>
<table><thead><tr><th>Event</th><th>Destination</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>When</th><th></th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7" class="muted">Nothing here.</td></tr>`}</tbody></table>${next}`,
    { csrf: view.csrf, admin: view.admin },
  );
}
