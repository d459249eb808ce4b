import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";
import type { Queryable } from "../state/stateDb.ts";

/**
 * The built-in provider's own state (interactions, its sessions, grants, authorization codes) in
 * the `oidc_models` table, so a sign-in started on one replica can be finished on another. Rows
 * past their expiry are never returned and are deleted as new ones are written.
 */
export function providerStore(db: Queryable, now: () => number = Date.now): AdapterFactory {
  return (model: string): Adapter => {
    const findWhere = async (column: "id" | "uid" | "user_code", value: string) => {
      const [row] = await db.query<{ payload: unknown; consumed: boolean }>(
        `SELECT payload, consumed_at IS NOT NULL AS consumed FROM oidc_models
         WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > $3::timestamptz)`,
        [model, value, new Date(now()).toISOString()],
      );
      if (!row) return undefined;
      const payload = (
        typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload
      ) as AdapterPayload;
      return row.consumed ? { ...payload, consumed: payload.consumed ?? Math.floor(now() / 1000) } : payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const at = now();
        await db.query("DELETE FROM oidc_models WHERE model = $1 AND expires_at <= $2::timestamptz", [
          model,
          new Date(at).toISOString(),
        ]);
        await db.query(
          `INSERT INTO oidc_models (model, id, payload, grant_id, user_code, uid, expires_at)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)
           ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
             user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
          [
            model,
            id,
            JSON.stringify(payload),
            payload.grantId ?? null,
            payload.userCode ?? null,
            payload.uid ?? null,
            expiresIn ? new Date(at + expiresIn * 1000).toISOString() : null,
          ],
        );
      },
      find: (id) => findWhere("id", id),
      findByUid: (uid) => findWhere("uid", uid),
      findByUserCode: (userCode) => findWhere("user_code", userCode),
      async consume(id) {
        await db.query(
          "UPDATE oidc_models SET consumed_at = $3::timestamptz WHERE model = $1 AND id = $2 AND consumed_at IS NULL",
          [model, id, new Date(now()).toISOString()],
        );
      },
      async destroy(id) {
        await db.query("DELETE FROM oidc_models WHERE model = $1 AND id = $2", [model, id]);
      },
      async revokeByGrantId(grantId) {
        await db.query("DELETE FROM oidc_models WHERE grant_id = $1", [grantId]);
      },
    };
  };
}
