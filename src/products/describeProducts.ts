import type { Product } from "./Product.ts";

/** The product list as text: each product's inputs, build stages, tables, commands and header links. */
export function describeProducts(products: readonly Product[]): string {
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(", ") : "(none declared)");
  return products
    .map((p) =>
      [
        `${p.id}: ${p.name}. ${p.description}`,
        `  inputs:   ${list(p.inputs.map((i) => i.name))}`,
        `  stages:   ${list(p.stages.map((s) => s.name))}`,
        `  tables:   ${list(p.tables.map((t) => t.name))}`,
        `  commands: ${list(p.commands.map((c) => `ebi ${c}`))}`,
        `  pages:    ${list(p.navigation.map((l) => `${l.text} (${l.href})`))}`,
      ].join("\n"),
    )
    .join("\n\n");
}
