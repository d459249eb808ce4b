/**
 * Each input layout as a description: the store table it fills, its key, its dates, its code
 * columns, the checks beyond the shared ones, and how each store column is made. One generic step
 * (`stagingSql.ts`) compiles a description to SQL; adding a layout is adding a description here.
 *
 * Expressions are SQL over the prepared row that `stagingSql` builds: every field of the layout
 * as text (by its HES name), and these normalised values:
 *   key_n      the key, trimmed (NULL when blank)
 *   start_n    the start date, from the first start field holding one, 1990 to today (else NULL)
 *   d_<field>  each date field read as a date (NULL when blank or not a date)
 *   age_n, sex_n, ethnos_n, lsoa_n, imd_n, procode_n, sub_icb_o, successor
 *   diag, opertn   the code lists (position order, invalid secondary codes dropped, trailing blanks cut)
 */
import { type ActivityKind, fieldsFor, type InputField } from "./fields.ts";

/** One check of a prepared row: when `when` holds, `reason` is recorded with the field and its value. */
export interface LayoutCheck {
  when: string;
  field: string;
  /** SQL for the value recorded: the field as the file gave it. */
  value: string;
  reason: string;
}

export interface InputLayout {
  kind: ActivityKind;
  /** The store table accepted rows are written to. */
  table: string;
  /** The fields the layout reads, with their aliases (docs/data-dictionary.md). */
  fields: InputField[];
  /** The field holding the row's identifier, unique in the file and the store. */
  key: string;
  /** The start date: the first of these fields that holds a date; problems are reported under the first. */
  start: string[];
  /** Every field read as a date. */
  dates: string[];
  /** Dates that are optional: present but not a date, they are left empty with a warning. */
  optionalDates: string[];
  /** The age field (whole years, HES infant codes). */
  age: string;
  /** How many diagnosis and procedure positions the layout has (diag_01…, opertn_01…). */
  positions: { diag: number; opertn: number };
  /** Column groups of which the file must hold at least one each. */
  required: string[][];
  /** Checks beyond the shared ones, placed after the person's fields and before the place's. */
  checks: LayoutCheck[];
  /** Each store column (in the store's order) and the SQL that makes it. */
  columns: Record<string, string>;
}

/** The field as text, trimmed; NULL when blank. */
export const text = (field: string) => `nullif(trim(${field}), '')`;
/** The field as an upper-case code, trimmed; NULL when blank. */
export const code = (field: string) => `nullif(upper(trim(${field})), '')`;

/** The person, place and code columns both HES layouts share, after their own. */
const shared = {
  person: { age: "age_n", sex: "sex_n", ethnos: "ethnos_n", lsoa: "lsoa_n", imd_decile: "imd_n" },
  commissioner: { sub_icb_original: "sub_icb_o", sub_icb: "coalesce(successor, sub_icb_o)" },
  codes: { diag: "diag", opertn: "opertn" },
};

export const hesApcLayout: InputLayout = {
  kind: "apc",
  table: "apc_episodes",
  fields: fieldsFor("apc"),
  key: "epikey",
  start: ["epistart", "admidate"],
  dates: ["epistart", "admidate", "epiend", "disdate"],
  optionalDates: ["epiend", "disdate"],
  age: "startage",
  positions: { diag: 20, opertn: 24 },
  required: [["epikey"], ["epistart", "admidate"], ["diag_01", "opertn_01"]],
  checks: [
    {
      when: "admimeth IS NULL OR length(trim(admimeth)) <> 2",
      field: "admimeth",
      value: "admimeth",
      reason: "admimeth-unknown",
    },
    {
      when: `${text("susspellid")} IS NULL`,
      field: "susspellid",
      value: "susspellid",
      reason: "spell-derived",
    },
  ],
  columns: {
    epikey: "key_n",
    // Without a patient there is nothing to join episodes on: each is then its own spell, rather
    // than every such episode of a day and provider one spell.
    spell_id: `coalesce(${text("susspellid")}, CASE WHEN ${text("hesid")} IS NULL THEN 'derived:episode:' || key_n
      ELSE 'derived:' || trim(hesid) || ':' || coalesce(d_admidate, start_n)::VARCHAR || ':' || coalesce(procode_n, '?') END)`,
    patient_id: text("hesid"),
    epistart: "start_n",
    epiend: "d_epiend",
    admidate: "coalesce(d_admidate, start_n)",
    disdate: "d_disdate",
    admimeth: text("admimeth"),
    classpat: text("classpat"),
    ...shared.person,
    gpprac: code("gpprac"),
    procode: "procode_n",
    sitetret: code("sitetret"),
    ...shared.commissioner,
    tretspef: text("tretspef"),
    mainspef: text("mainspef"),
    ...shared.codes,
  },
};

export const hesOpLayout: InputLayout = {
  kind: "op",
  table: "op_appointments",
  fields: fieldsFor("op"),
  key: "attendkey",
  start: ["apptdate"],
  dates: ["apptdate"],
  optionalDates: [],
  age: "apptage",
  positions: { diag: 12, opertn: 24 },
  required: [["attendkey"], ["apptdate"], ["diag_01", "opertn_01"]],
  checks: [],
  columns: {
    attendkey: "key_n",
    patient_id: text("hesid"),
    apptdate: "start_n",
    attended: text("attended"),
    firstatt: text("firstatt"),
    ...shared.person,
    gpprac: code("gpprac"),
    procode: "procode_n",
    ...shared.commissioner,
    tretspef: text("tretspef"),
    ...shared.codes,
  },
};

const layouts: Record<ActivityKind, InputLayout> = { apc: hesApcLayout, op: hesOpLayout };

/** The layout of a kind of extract. */
export function layoutFor(kind: ActivityKind): InputLayout {
  return layouts[kind];
}
