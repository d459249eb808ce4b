/**
 * National figures the programme has published, as facts with their source, for comparing a
 * release with England (docs/england-comparison.md). Counts are England totals for the year
 * named; rates are age-sex standardised per 100,000; percentiles are of CCG standardised rates.
 */
export interface PublishedFigure {
  /** `<rule set>/<slug>`, or `<rule set>` for a whole-list figure. */
  subject: string;
  measure:
    | "activity"
    | "rate"
    | "p10"
    | "p25"
    | "p50"
    | "p90"
    | "n_fold"
    | "opportunity"
    | "cost"
    | "ambition";
  year: string;
  value: number;
  /** Words for the value when it is not exact ("about 348,000"). */
  text?: string;
  source: string;
  url?: string;
}

const coding = "AoMRC EBI coding page";
const meniscal = "https://www.aomrc.org.uk/ebi/coding/arthroscopic-surgery-for-meniscal-tears/";
const codingPage = "https://www.aomrc.org.uk/ebi/ebi-coding/";
const board = "NHS England board papers (2018), List 1 launch";
const clinicians = "AoMRC EBI guidance page";
const shoulder =
  "https://www.aomrc.org.uk/ebi/clinicians/scans-for-shoulder-pain-and-guided-injections-for-shoulder-pain/";
const reference = "Programme pages (figure quoted without its page address)";

/** Every published national figure the project's sources give. */
export const publishedFigures: readonly PublishedFigure[] = [
  {
    subject: "ebi-list-1",
    measure: "activity",
    year: "2017/18",
    value: 348_000,
    text: "about 348,000",
    source: board,
  },
  {
    subject: "ebi-list-1",
    measure: "cost",
    year: "2017/18",
    value: 440_000_000,
    text: "about £440m",
    source: board,
  },
  {
    subject: "ebi-list-1",
    measure: "ambition",
    year: "2019/20",
    value: 168_000,
    text: "about 168,000 fewer (moderate ambition; consultation stage about 100,000)",
    source: board,
  },
  {
    subject: "ebi-list-1/snoring-surgery",
    measure: "activity",
    year: "2017/18",
    value: 812,
    source: reference,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "activity",
    year: "2018/19",
    value: 47_605,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "rate",
    year: "2018/19",
    value: 80.1,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "p10",
    year: "2018/19",
    value: 64.1,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "p25",
    year: "2018/19",
    value: 72.5,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "p50",
    year: "2018/19",
    value: 80.3,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "p90",
    year: "2018/19",
    value: 97.1,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appendicectomy-without-confirmation",
    measure: "n_fold",
    year: "2018/19",
    value: 1.5,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "activity",
    year: "2018/19",
    value: 38_088,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "rate",
    year: "2018/19",
    value: 64.1,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "opportunity",
    year: "2018/19",
    value: 8_964,
    text: "8,964 (24%)",
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "p10",
    year: "2018/19",
    value: 40.8,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "p25",
    year: "2018/19",
    value: 53.2,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "p50",
    year: "2018/19",
    value: 66.8,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "p90",
    year: "2018/19",
    value: 97.5,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/meniscal-tear-arthroscopy",
    measure: "n_fold",
    year: "2018/19",
    value: 2.4,
    source: coding,
    url: meniscal,
  },
  {
    subject: "ebi-list-2/appropriate-colonoscopy",
    measure: "activity",
    year: "2018/19",
    value: 415_262,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appropriate-colonoscopy",
    measure: "rate",
    year: "2018/19",
    value: 699.0,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appropriate-colonoscopy",
    measure: "p10",
    year: "2018/19",
    value: 543.6,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/appropriate-colonoscopy",
    measure: "n_fold",
    year: "2018/19",
    value: 1.6,
    source: coding,
    url: codingPage,
  },
  {
    subject: "ebi-list-2/upper-gi-endoscopy",
    measure: "activity",
    year: "2018/19",
    value: 644_038,
    source: reference,
  },
  {
    subject: "ebi-list-2/adenoidectomy-glue-ear",
    measure: "activity",
    year: "2018/19",
    value: 2_778,
    source: reference,
  },
  {
    subject: "ebi-list-2/imaging-low-back-pain",
    measure: "activity",
    year: "2018/19",
    value: 253_956,
    source: reference,
  },
  {
    subject: "ebi-list-2/shoulder-pain-scans-and-guided-injections",
    measure: "activity",
    year: "2018/19",
    value: 128_809 + 2_934,
    text: "128,809 scans + 2,934 guided injections",
    source: clinicians,
    url: shoulder,
  },
];
