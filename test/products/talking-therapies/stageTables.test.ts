import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allOn, Database, quoteIdentifier } from "../../../src/db/index.ts";
import {
  cleanTable,
  quarantineTable,
  stageTables,
} from "../../../src/products/talking-therapies/stageTables.ts";
import { type TableField, tableLayouts } from "../../../src/products/talking-therapies/tables.ts";

const traps = "test/fixtures/talking-therapies/traps";

/**
 * The same value as an export might write it, needing every step of normalising: spaces around
 * it, codes in lower case, with a spreadsheet ".0" tail, without a padded code's leading zero or with
 * a listed number's, dates as
 * DD/MM/YYYY, YYYYMMDD or with a time, scores with a decimal point. The n-th cell of a column
 * takes the n-th form (cycling), so every form is met.
 */
function messy(field: TableField | undefined, value: string, n: number): string {
  if (value === "" || field === undefined) return value;
  const pick = (forms: string[]) => forms[n % forms.length] as string;
  switch (field.kind) {
    case "date": {
      const [y, m, d] = value.split("-");
      return pick([`${d}/${m}/${y}`, `${y}${m}${d}`, `${value} 00:00:00`, ` ${value} `]);
    }
    case "score":
      return pick([` ${value}`, `${value}.0 `]);
    case "code":
      return pick([
        ` ${value.toLowerCase()}`,
        `${value}.0`,
        /^0[0-9]$/.test(value) ? value.slice(1) : `${value} `,
        // Only a code from a fixed list of numbers reads "05" as "5".
        field.allowed && /^[0-9]$/.test(value) ? `0${value}` : value.toLowerCase(),
      ]);
    default:
      return ` ${value} `;
  }
}

/**
 * A copy of the trap fixture with cells written in their messy forms: every cell, or one cell a
 * row (the rest left clean, so whether the row counts as clean turns on that one value).
 */
function messyCopy(every: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "tt-messy-"));
  for (const name of readdirSync(traps)) {
    const layout = tableLayouts.find((t) => `${t.name}.csv` === name);
    const [header = "", ...lines] = readFileSync(join(traps, name), "utf8").trimEnd().split("\n");
    const fields = header.split(",").map((c) => layout?.fields.find((f) => f.name === c));
    const rows = lines.map((line, r) =>
      line
        .split(",")
        .map((cell, i, cells) => (every || i === r % cells.length ? messy(fields[i], cell, r + i) : cell))
        .join(","),
    );
    writeFileSync(join(dir, name), `${[header, ...rows].join("\n")}\n`);
  }
  return dir;
}

/** Every clean table's rows and the quarantine (less file and raw value), after staging `dir`. */
async function staged(dir: string): Promise<Record<string, unknown[]>> {
  const db = await Database.open(":memory:");
  try {
    return await db.withConnection(async (connection) => {
      await stageTables(connection, dir);
      const out: Record<string, unknown[]> = {};
      for (const layout of tableLayouts) {
        const table = quoteIdentifier(cleanTable(layout.name));
        out[layout.name] = await allOn(connection, `SELECT * FROM ${table} ORDER BY source_row`);
      }
      out.quarantine = await allOn(
        connection,
        `SELECT * EXCLUDE (file, value) FROM ${quarantineTable} ORDER BY table_name, source_row, field, reason`,
      );
      return out;
    });
  } finally {
    db.close();
  }
}

describe("stageTables", () => {
  it("stages values that need normalising to exactly the records clean values give", async () => {
    const clean = await staged(traps);
    expect(clean.IDS201CareContact?.length).toBeGreaterThan(10);
    // Clean rows pass the one cheap test; every row of the first copy takes the full path, and
    // in the second a row's one untidy value must be caught by the test to be normalised.
    for (const every of [true, false]) {
      const untidy = await staged(messyCopy(every));
      for (const [table, rows] of Object.entries(clean))
        expect({ every, table, rows: untidy[table] }).toEqual({ every, table, rows });
    }
  });

  it("numbers the rows of a file read in parallel by their place in the file", async () => {
    // Several CSV buffers and row groups: every contact names an absent referral, so every row is
    // quarantined with its row number and its PathwayID, which carries the row's own number.
    const dir = mkdtempSync(join(tmpdir(), "tt-rows-"));
    for (const name of readdirSync(traps)) copyFileSync(join(traps, name), join(dir, name));
    const rows = 400_000;
    const lines = ["PathwayID,CareContactId,CareContDate,AppType,AttendOrDNACode,ConsMechanism"];
    for (let n = 1; n <= rows; n++) {
      // Some rows take the full normalising path, some fail a check, lengths vary.
      const date = n % 997 === 0 ? `bad${n}` : n % 5 === 0 ? "01/05/2024" : "2024-05-01";
      lines.push(`X${n},C${"0".repeat(n % 13)}${n},${date},${n % 7 === 0 ? " 2" : "02"},5,01`);
    }
    writeFileSync(join(dir, "IDS201CareContact.csv"), `${lines.join("\n")}\n`);
    const db = await Database.open(":memory:");
    try {
      await db.withConnection(async (connection) => {
        // As the measures build runs it: tables elsewhere are built without keeping order.
        await connection.run("SET preserve_insertion_order = false");
        await stageTables(connection, dir);
        const [check] = await allOn<{ n: number; misplaced: number; dates: number; wrong_dates: number }>(
          connection,
          `SELECT count(*) FILTER (WHERE field = 'PathwayID') AS n,
             count(*) FILTER (WHERE field = 'PathwayID' AND value <> 'X' || source_row) AS misplaced,
             count(*) FILTER (WHERE field = 'CareContDate') AS dates,
             count(*) FILTER (WHERE field = 'CareContDate' AND value <> 'bad' || source_row) AS wrong_dates
           FROM ${quarantineTable} WHERE table_name = 'IDS201CareContact'`,
        );
        expect(check).toEqual({
          n: rows - Math.floor(rows / 997),
          misplaced: 0,
          dates: Math.floor(rows / 997),
          wrong_dates: 0,
        });
      });
    } finally {
      db.close();
    }
  });
});
