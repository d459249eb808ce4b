import { join } from "node:path";
import type { Command } from "commander";
import { type Role, roles } from "../../access/principal.ts";
import { EbiError } from "../../errors/index.ts";
import { hashPassword } from "../../identity/passwords.ts";
import { upsertUser } from "../../identity/users.ts";
import { readOrganisations } from "../../release/readOrganisations.ts";
import { openState } from "../../state/stateDb.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";

const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
};

/** `ebi users add`: a local account of the built-in provider, for installs with no identity provider. */
export function registerUsers(program: Command): void {
  const users = program.command("users").description("local accounts of the built-in identity provider");
  users
    .command("add")
    .description(
      "add (or reset) a local account; the password is read from standard input and stored scrypt-hashed",
    )
    .requiredOption("--username <name>", "the sign-in name")
    .requiredOption("--name <text>", "the person's name")
    .requiredOption("--org <code>", "their organisation's code (its type comes from the release's hierarchy)")
    .option("--role <role>", `one of ${roles.join(", ")}`, "viewer")
    .action(
      action(async (options: { username: string; name: string; org: string; role: string }) => {
        if (!roles.includes(options.role as Role))
          throw new EbiError(
            "EBI_INVALID_ARGUMENT",
            `--role must be one of ${roles.join(", ")}, not ${JSON.stringify(options.role)}.`,
            {
              field: "role",
              value: options.role,
            },
          );
        const workspace = resolveWorkspace();
        const org = (await readOrganisations(workspace.releasesDir)).find((o) => o.org_code === options.org);
        if (!org)
          throw new EbiError("EBI_NOT_FOUND", `No organisation ${options.org} in the published release.`, {
            field: "org",
            value: options.org,
          });
        const password = await readStdin();
        if (password.length < 12)
          throw new EbiError(
            "EBI_INVALID_ARGUMENT",
            "The password (from standard input) must be at least 12 characters.",
            { field: "password" },
          );
        const db = await openState({
          url: process.env.DATABASE_URL || undefined,
          dir: join(workspace.root, "state"),
        });
        try {
          await upsertUser(
            db,
            { now: () => new Date() },
            {
              subject: options.username,
              username: options.username,
              name: options.name,
              org_code: org.org_code,
              org_type: org.level === "england" ? "national" : org.level,
              role: options.role as Role,
              source: "local",
              password_hash: await hashPassword(password),
            },
          );
        } finally {
          await db.close();
        }
        process.stdout.write(`Local account ${options.username} (${org.name}, ${options.role}) saved.\n`);
      }),
    );
}
