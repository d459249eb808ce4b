/**
 * The published layouts of the reference files EBI Insight reads. The demo generator writes these
 * same layouts, so demo files and a user's downloaded files go through the same readers.
 * Column names are matched case-insensitively; the year digits in ONS codes (SICBL22CD, SICBL23CD …)
 * vary by edition, so readers match them by pattern.
 */

/** ONS "Sub ICB Location to ICB to NHS England (Region)" lookup (CSV, with header). */
export const subIcbHierarchyColumns = [
  "SICBL22CD", // ONS code E38…
  "SICBL22CDH", // ODS code, e.g. 00L
  "SICBL22NM",
  "ICB22CD", // E54…
  "ICB22CDH", // ODS code, e.g. QHM
  "ICB22NM",
  "NHSER22CD", // E40…
  "NHSER22CDH", // ODS code, e.g. Y63
  "NHSER22NM",
  "ObjectId",
] as const;

/** ONS "LSOA (2021) to Sub ICB Location to ICB to LAD" lookup (CSV, with header); 2011 edition uses LSOA11CD/NM. */
export const lsoaSubIcbColumns = [
  "LSOA21CD",
  "LSOA21NM",
  "SICBL22CD",
  "SICBL22CDH",
  "SICBL22NM",
  "ICB22CD",
  "ICB22CDH",
  "ICB22NM",
  "LAD22CD",
  "LAD22NM",
  "ObjectId",
] as const;

/**
 * NHS ODS standard 27-column CSV with no header row (etr.csv for NHS trusts).
 * Only the columns named here are read; the rest are blank or unused.
 */
export const odsStandardColumns = [
  "organisation_code",
  "name",
  "national_grouping", // region ODS code, e.g. Y63
  "high_level_health_geography", // ICB ODS code
  "address_line_1",
  "address_line_2",
  "address_line_3",
  "address_line_4",
  "address_line_5",
  "postcode",
  "open_date", // YYYYMMDD
  "close_date", // YYYYMMDD or blank
  "null_1",
  "organisation_sub_type_code",
  "null_2",
  "null_3",
  "null_4",
  "contact_telephone_number",
  "null_5",
  "null_6",
  "null_7",
  "amended_record_indicator",
  "null_8",
  "null_9",
  "null_10",
  "null_11",
  "null_12",
] as const;

/** NHS ODS successor organisations file (succ.csv), 5 columns, no header. */
export const odsSuccessorColumns = [
  "organisation_code",
  "successor_organisation_code",
  "succession_reason", // e.g. "Merger", "Re-designation"
  "effective_date", // YYYYMMDD
  "successor_indicator",
] as const;

/**
 * English Indices of Deprivation, File 7 (all ranks, deciles and scores), CSV with header.
 * 2019 uses 2011 LSOAs; 2025 uses 2021 LSOAs. Only these columns are required; File 7 has many more.
 */
export const imdColumns = {
  "2019": {
    lsoa: "LSOA code (2011)",
    lsoaName: "LSOA name (2011)",
    score: "Index of Multiple Deprivation (IMD) Score",
    rank: "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    decile: "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
  },
  "2025": {
    lsoa: "LSOA code (2021)",
    lsoaName: "LSOA name (2021)",
    score: "Index of Multiple Deprivation (IMD) Score",
    rank: "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    decile: "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
  },
} as const;

/**
 * ONS mid-year population estimates by LSOA, single year of age (CSV export of the published
 * workbook's data sheet): "LAD 2021 Code","LAD 2021 Name","LSOA 2021 Code","LSOA 2021 Name","Total",
 * F0 … F90, M0 … M90 (90 = 90 and over). The estimate year is given when loading.
 */
export const populationIdColumns = [
  "LAD 2021 Code",
  "LAD 2021 Name",
  "LSOA 2021 Code",
  "LSOA 2021 Name",
  "Total",
] as const;
export const populationAgeColumns = (sex: "F" | "M"): string[] =>
  Array.from({ length: 91 }, (_, age) => `${sex}${age}`);
