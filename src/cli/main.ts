import { Command } from "commander";
import { commandRegistrations } from "./commands.ts";

const program = new Command("ebi")
  .description("EBI Insight: Evidence-Based Interventions activity, goals and equity for the NHS in England")
  .option("--debug", "print stack traces on errors")
  .option("--home <dir>", "workspace folder (default $EBI_HOME or ./workspace)")
  .showHelpAfterError();

program.hook("preAction", (root) => {
  const home = root.opts().home as string | undefined;
  if (home) process.env.EBI_HOME = home;
});

for (const register of await commandRegistrations(process.argv)) register(program);

await program.parseAsync(process.argv);
