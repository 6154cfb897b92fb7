// Hono's router, wrapped so the telemetry around `app.fetch` learns which route a request matched
// without a middleware: Hono matches synchronously when `fetch` is called, so the match recorded
// here belongs to the request whose `fetch` call just returned. A middleware would instead take
// every route off Hono's one-handler fast path.
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import type { RouterRoute } from 'hono/types';

export interface Match {
  /** The path Hono routed on (percent-decoded, no query string). */
  readonly path: string;
  /** The template of the first matched handler of a real method, even when a middleware answered. */
  readonly route: string | undefined;
}

export class RecordingRouter<H> implements Router<[H, RouterRoute]> {
  readonly name = 'RecordingRouter';
  readonly #router: Router<[H, RouterRoute]> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
  #path = '';
  #result: Result<[H, RouterRoute]> = [[]];

  add(method: string, path: string, handler: [H, RouterRoute]): void {
    this.#router.add(method, path, handler);
  }

  match(method: string, path: string): Result<[H, RouterRoute]> {
    const result = this.#router.match(method, path);
    this.#path = path;
    this.#result = result;
    return result;
  }

  /** The last match: read it right after the synchronous part of `fetch`. */
  last(): Match {
    const path = this.#path;
    // Middleware and fallbacks are registered for method ALL.
    for (const [[, route]] of this.#result[0]) if (route.method !== 'ALL') return { path, route: route.path };
    return { path, route: undefined };
  }
}
