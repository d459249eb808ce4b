/** One HTTP exchange as the sign-in walk needs it: status, headers (set-cookie as a list) and body. */
export interface Exchange {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}
export type Send = (
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body?: string,
) => Promise<Exchange>;

/** A cookie jar for one client: the cookies the server set, sent back on every request. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  take(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

const pathOf = (location: string) => {
  const url = new URL(location, "http://relative.invalid");
  return `${url.pathname}${url.search}`;
};

/**
 * Signs in through the real flow (this service → built-in provider → its login form → back) and
 * returns the jar holding the session cookie, plus the exchanges made (for assertions).
 */
export async function signIn(
  send: Send,
  username: string,
  options: { jar?: CookieJar; returnTo?: string; password?: string } = {},
): Promise<{ jar: CookieJar; final: Exchange }> {
  const jar = options.jar ?? new CookieJar();
  const go = async (method: "GET" | "POST", path: string, body?: string) => {
    const response = await send(
      method,
      path,
      {
        cookie: jar.header(),
        accept: "text/html",
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body,
    );
    jar.take(response.setCookies);
    return response;
  };
  let response = await go("GET", `/sign-in?returnTo=${encodeURIComponent(options.returnTo ?? "/")}`);
  // Follow redirects to the provider's login form.
  while (response.location && !response.location.includes("/sign-in/provider/"))
    response = await go("GET", pathOf(response.location));
  if (!response.location)
    throw new Error(
      `sign-in did not reach the login form: ${response.status} ${response.body.slice(0, 300)}`,
    );
  const formPath = pathOf(response.location);
  const form = await go("GET", formPath);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? "";
  response = await go(
    "POST",
    formPath,
    new URLSearchParams({ _csrf: csrf, username, password: options.password ?? "" }).toString(),
  );
  let hops = 0;
  while (response.location && hops++ < 10) {
    const next = pathOf(response.location);
    response = await go("GET", next);
    if (next.startsWith("/sign-in/callback")) break;
  }
  return { jar, final: response };
}
