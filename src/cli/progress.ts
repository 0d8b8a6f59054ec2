/** A progress bar on stderr when it is a TTY (nothing when piped), for work over big files. */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** Shows a bar for `total` bytes if stderr is a terminal and the work is big enough to notice. */
export function progressBar(label: string, total: number, minBytes = 16 * 1024 * 1024): Progress {
  if (!process.stderr.isTTY || total < minBytes || process.env.WNVTRACE_NO_PROGRESS) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {doneMB}/{totalMB} MB | {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (n: number): string => (n / 1048576).toFixed(0);
  bar.start(total, 0, { doneMB: "0", totalMB: mb(total) });
  let last = 0;
  return {
    update(done: number) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      bar.update(Math.min(done, total), { doneMB: mb(done), totalMB: mb(total) });
    },
    stop() {
      bar.stop();
    },
  };
}
