/**
 * A path on this site to go back to after signing in: only a local absolute path is kept (no scheme,
 * no host, no `//` or `/\` that a browser reads as another host, no control characters); else `/`.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!value.startsWith("/") || /^\/[/\\]/.test(value) || /[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const url = new URL(value, "http://site.invalid");
    if (url.host !== "site.invalid") return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
