import { createHmac, timingSafeEqual } from "node:crypto";

/** A form token bound to one session (or sign-in interaction): HMAC-SHA256 of it under the server secret. */
export function csrfToken(secret: string, boundTo: string): string {
  return createHmac("sha256", secret).update(`csrf|${boundTo}`).digest("base64url");
}

/** True when `token` is the form token for `boundTo`. */
export function csrfValid(secret: string, boundTo: string, token: unknown): boolean {
  if (typeof token !== "string" || token.length === 0) return false;
  const expected = Buffer.from(csrfToken(secret, boundTo));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
