// The destinations page: the tenant's webhooks, a form to add one, and enable/disable buttons.
// A new destination's signing secret is shown once, on the page that follows its creation.
import { html } from 'hono/html';
import type { Destination } from '../../storage/store.ts';
import { page, time } from './layout.ts';

export interface DestinationsView {
  readonly destinations: readonly Destination[];
  readonly csrf: string;
  readonly admin: boolean;
  readonly created?: { readonly name: string; readonly signingSecret: string };
  readonly error?: string;
}

export function destinationsPage(view: DestinationsView) {
  const rows = view.destinations.map(
    (d) => html`<tr>
<td>${d.name}<br><code class="muted">${d.id}</code></td><td><code>${d.url}</code></td><td>${d.eventTypes.join(', ')}</td>
<td>${d.enabled ? 'enabled' : html`<span class="muted">disabled</span>`}</td><td>${time(d.createdAt)}</td>
<td><form class="inline" method="post" action="/destinations/${d.id}/${d.enabled ? 'disable' : 'enable'}"><input type="hidden" name="csrf" value="${view.csrf}"><button type="submit">${d.enabled ? 'Disable' : 'Enable'}</button></form></td>
</tr>`,
  );
  return page(
    'Destinations',
    html`${view.created ? html`<div class="notice" role="status"><p>Added <strong>${view.created.name}</strong>. Its signing secret is shown only now: give it to the receiver.</p><p><code>${view.created.signingSecret}</code></p></div>` : ''}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<table><thead><tr><th>Name</th><th>URL</th><th>Event types</th><th>State</th><th>Added</th><th></th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6" class="muted">No destinations yet.</td></tr>`}</tbody></table>
<form method="post" action="/destinations"><fieldset><legend>Add a destination</legend>
<input type="hidden" name="csrf" value="${view.csrf}">
<label>URL <input type="url" name="url" required size="60" placeholder="https://hooks.example.com/lumetry"></label>
<label>Name <input type="text" name="name" size="30" placeholder="defaults to the host"></label>
<label>Event types <input type="text" name="eventTypes" size="40" value="*"> <span class="muted">comma-separated; * for all, order.* for a prefix</span></label>
<button type="submit">Add</button></fieldset></form>`,
    { csrf: view.csrf, admin: view.admin },
  );
}
