/**
 * The store's tables. The store is the contract between loading (reference/, activity/) and
 * building (rules/, pipeline/): everything here is normalised, so the build never re-parses input.
 *
 * Conventions:
 * - Codes are normalised: upper case, no dots, dashes or spaces, 3 or 4 characters, X fillers dropped
 *   (`K64X` → `K64`), 5th/6th characters dropped (`M1710` → `M171`).
 * - `diag` and `opertn` are lists in position order: element 1 is the primary (diag_01 / opertn_01);
 *   a blank position is NULL; trailing NULLs are trimmed. DuckDB lists are 1-based.
 * - `age` is whole years; HES infant codes 7001–7007 become 0; unknown (999, blank) is NULL.
 * - `sex` is the HES code as text: '1' male, '2' female, '9' not specified, '0' not known.
 * - `sub_icb` is the commissioner's *current* successor code; `sub_icb_original` is as supplied.
 * - `imd_decile` comes from the IMD vintage recorded in `ref_vintages` (NULL when the LSOA is blank
 *   or not in the IMD file).
 */
export const storeSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS loads (
    load_id VARCHAR PRIMARY KEY,   -- content hash of the file + kind: loading it again is a no-op
    kind VARCHAR NOT NULL,         -- 'apc' | 'op'
    file VARCHAR NOT NULL,
    file_bytes BIGINT NOT NULL,
    file_hash VARCHAR NOT NULL,    -- sha256 hex
    loaded_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_accepted BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_warned BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS apc_episodes (
    load_id VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    epikey VARCHAR NOT NULL, spell_id VARCHAR NOT NULL, patient_id VARCHAR,
    epistart DATE NOT NULL, epiend DATE, admidate DATE, disdate DATE,
    admimeth VARCHAR, classpat VARCHAR,
    age INTEGER, sex VARCHAR, ethnos VARCHAR,
    lsoa VARCHAR, imd_decile INTEGER,
    gpprac VARCHAR, procode VARCHAR, sitetret VARCHAR,
    sub_icb_original VARCHAR, sub_icb VARCHAR,
    tretspef VARCHAR, mainspef VARCHAR,
    diag VARCHAR[], opertn VARCHAR[]
  )`,
  `CREATE TABLE IF NOT EXISTS op_appointments (
    load_id VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    attendkey VARCHAR NOT NULL, patient_id VARCHAR,
    apptdate DATE NOT NULL, attended VARCHAR, firstatt VARCHAR,
    age INTEGER, sex VARCHAR, ethnos VARCHAR,
    lsoa VARCHAR, imd_decile INTEGER,
    gpprac VARCHAR, procode VARCHAR,
    sub_icb_original VARCHAR, sub_icb VARCHAR,
    tretspef VARCHAR,
    diag VARCHAR[], opertn VARCHAR[]
  )`,
  // Rows that could not be used, one row per (row, problem); nothing is dropped silently.
  `CREATE TABLE IF NOT EXISTS quarantine (
    load_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, file VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    field VARCHAR, value VARCHAR, reason VARCHAR NOT NULL, detail VARCHAR
  )`,
  // Rows kept with a fixable problem (e.g. a dotted code, an unknown LSOA).
  `CREATE TABLE IF NOT EXISTS load_warnings (
    load_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, file VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    field VARCHAR, value VARCHAR, reason VARCHAR NOT NULL
  )`,
  // Organisations at every level. level: 'region' | 'icb' | 'sub_icb' | 'provider'.
  `CREATE TABLE IF NOT EXISTS ref_organisations (
    code VARCHAR NOT NULL, name VARCHAR NOT NULL, level VARCHAR NOT NULL, parent_code VARCHAR,
    ons_code VARCHAR, open_date DATE, close_date DATE, source VARCHAR NOT NULL,
    PRIMARY KEY (level, code)
  )`,
  // Commissioner successions: old_code's activity belongs to new_code from effective_date on (and its baseline too).
  `CREATE TABLE IF NOT EXISTS ref_successors (
    old_code VARCHAR NOT NULL, new_code VARCHAR NOT NULL, effective_date DATE, reason VARCHAR,
    PRIMARY KEY (old_code)
  )`,
  // LSOA → sub-ICB location of residence (ODS code), for populations by commissioner.
  `CREATE TABLE IF NOT EXISTS ref_lsoa_sub_icb (
    lsoa VARCHAR PRIMARY KEY, lsoa_name VARCHAR, sub_icb VARCHAR NOT NULL, vintage VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ref_imd (
    lsoa VARCHAR NOT NULL, imd_score DOUBLE, imd_rank INTEGER NOT NULL, imd_decile INTEGER NOT NULL,
    vintage VARCHAR NOT NULL,   -- '2019' (LSOA 2011) | '2025' (LSOA 2021)
    PRIMARY KEY (vintage, lsoa)
  )`,
  // Population by LSOA × 5-year band (lower bound 0, 5, … 90 = 90+) × sex ('1' male, '2' female).
  `CREATE TABLE IF NOT EXISTS ref_population (
    lsoa VARCHAR NOT NULL, year INTEGER NOT NULL, sex VARCHAR NOT NULL, age_band INTEGER NOT NULL,
    population DOUBLE NOT NULL, vintage VARCHAR NOT NULL,
    PRIMARY KEY (year, lsoa, sex, age_band)
  )`,
  // Hex cartogram tiles (HexJSON) by ONS code: where each region, ICB or sub-ICB location sits on the map.
  `CREATE TABLE IF NOT EXISTS ref_tile_layout (
    level VARCHAR NOT NULL, ons_code VARCHAR NOT NULL, q INTEGER NOT NULL, r INTEGER NOT NULL,
    layout VARCHAR NOT NULL, vintage VARCHAR NOT NULL,
    PRIMARY KEY (level, ons_code)
  )`,
  // What reference data is loaded, from which file, so every release can name its vintages.
  `CREATE TABLE IF NOT EXISTS ref_vintages (
    dataset VARCHAR NOT NULL, vintage VARCHAR NOT NULL, file VARCHAR NOT NULL, file_hash VARCHAR NOT NULL,
    rows BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, vintage)
  )`,
];
