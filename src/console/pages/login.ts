// The login page: a console API key in, a session cookie out.
import { html } from 'hono/html';
import { page } from './layout.ts';

export function loginPage(error?: string) {
  return page(
    'Log in',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login">
<label>Console API key <input type="password" name="key" autocomplete="off" required size="60"></label>
<p class="muted">Create one with <code>lumetry key create TENANT --scope console</code>.</p>
<button type="submit">Log in</button>
</form>`,
  );
}
