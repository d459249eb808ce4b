import type { Effects } from "../effects/index.ts";

/** Effects for a terminal: messages to stderr, one line per finished stage with its time. */
export function terminalEffects({ quiet = false }: { quiet?: boolean } = {}): Effects {
  let stage = "";
  let started = 0;
  let lastDraw = 0;
  const tty = process.stderr.isTTY && !quiet;
  const write = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  return {
    logger: { info: write, warn: (m) => write(`warning: ${m}`) },
    clock: { now: () => new Date() },
    progress: {
      start(name, total) {
        stage = name;
        started = performance.now();
        if (tty) process.stderr.write(`${name}${total ? ` (0/${total.toLocaleString("en-GB")})` : ""}…`);
      },
      update(done, detail) {
        const now = performance.now();
        if (!tty || now - lastDraw < 200) return;
        lastDraw = now;
        process.stderr.write(
          `\r\x1b[K${stage}: ${done.toLocaleString("en-GB")}${detail ? ` ${detail}` : ""}…`,
        );
      },
      finish(summary) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (tty) process.stderr.write("\r\x1b[K");
        write(`✔ ${stage}${summary ? `: ${summary}` : ""} (${seconds} s)`);
      },
    },
  };
}
