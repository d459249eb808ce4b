import { ebiProduct } from "./ebi/product.ts";
import type { Product } from "./Product.ts";
import { plannedCareProduct } from "./planned-care/product.ts";
import { talkingTherapiesProduct } from "./talking-therapies/product.ts";

/** Every product of the service, in the order of their header links. Adding a product is adding it here. */
export const products: readonly Product[] = [ebiProduct, talkingTherapiesProduct, plannedCareProduct];

/** The service's own name and what its API serves; `EBI_SERVICE_NAME` renames it. */
export const service = {
  name: process.env.EBI_SERVICE_NAME ?? "EBI Insight",
  apiSubject: "Evidence-Based Interventions figures",
  releaseSource: "Hospital Episode Statistics spells flagged by the rule sets above",
  countingUnit: "spell",
};
