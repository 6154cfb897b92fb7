// The frame of every console page: plain HTML and one small inline stylesheet, no script at all.
// Every interpolated value goes through hono/html, which escapes it.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

const style = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
header a,header button{color:#fff;text-decoration:none;background:none;border:0;font:inherit;cursor:pointer;padding:0}
header strong{margin-right:auto}main{padding:1.5rem;max-width:72rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{font-weight:600;background:#eef0f3}code{font-size:.9em}.muted{color:#66707a}
.status-delivered{color:#16794c}.status-dead{color:#b3261e;font-weight:600}.status-pending{color:#8a5a00}
form.inline{display:inline}input,select,button{font:inherit;padding:.35rem .5rem}
.health-ready{color:#16794c}.health-not_ready,.health-degraded{color:#8a5a00;font-weight:600}.health-down{color:#b3261e;font-weight:600}
tr.service th{background:#e6e9ed}tr.warning td{background:#fff7d6}h2{margin-top:1.5rem}
.notice{background:#fff7d6;border:1px solid #e8cf6b;padding:.8rem 1rem;margin-bottom:1rem}
.error{background:#fde8e6;border:1px solid #e4a49d;padding:.8rem 1rem;margin-bottom:1rem}
fieldset{border:1px solid #e3e6ea;background:#fff;margin:1rem 0;padding:1rem}label{display:block;margin:.4rem 0}`;

export function page(title: string, body: Content, nav?: { csrf: string; admin?: boolean }, options: { refreshSeconds?: number } = {}): Content {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}<title>${title} · Lumetry</title><style>${style}</style></head>
<body>
<header><strong>Lumetry</strong>${
    nav
      ? html`<a href="/deliveries">Deliveries</a><a href="/destinations">Destinations</a>${nav.admin ? html`<a href="/system-health">System health</a>` : ''}
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${nav.csrf}"><button type="submit">Log out</button></form>`
      : ''
  }</header>
<main><h1>${title}</h1>${body}</main>
</body>
</html>`;
}

export function time(ms: number | null): Content | string {
  return ms === null ? '–' : html`<time datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)}</time>`;
}
