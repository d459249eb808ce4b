import type { Command } from "commander";
import { describeProducts } from "../../products/describeProducts.ts";
import { products } from "../../products/productList.ts";
import { action } from "../../terminal/action.ts";

/** `ebi products`: the products the service is built from, as the product list declares them. */
export function registerProducts(program: Command): void {
  program
    .command("products")
    .description("each product's inputs, build stages, release tables, commands and pages")
    .action(
      action(() => {
        process.stdout.write(`${describeProducts(products)}\n`);
      }),
    );
}
