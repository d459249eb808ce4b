// Starts the NHS.UK frontend's components (the header's menu on narrow screens, details, buttons).
import { initAll } from "/static/nhsuk-frontend.js";

initAll();
