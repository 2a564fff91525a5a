package org.consentry.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.consentry.cli.imports.ImportFailure;
import org.consentry.cli.imports.ImportListener;
import org.consentry.cli.imports.SkippedFile;

/**
 * Shows an import's progress on stderr: done / total, resources per second and time left. On a
 * terminal one line is redrawn in place at most four times a second; elsewhere (a log, CI) a plain
 * line is written every two seconds. Failures are printed as they happen, each on its own line.
 */
final class ProgressReporter implements ImportListener {

  private static final long TERMINAL_INTERVAL = 250_000_000L;
  private static final long PLAIN_INTERVAL = 2_000_000_000L;

  private final PrintStream err;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastShown;
  private boolean lineShown;
  private long done;
  private long total;

  ProgressReporter(PrintStream err, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.lastShown = start;
  }

  @Override
  public void progress(long done, long total) {
    this.done = done;
    this.total = total;
    long now = nanoTime.getAsLong();
    if (now - lastShown >= (terminal ? TERMINAL_INTERVAL : PLAIN_INTERVAL)) {
      lastShown = now;
      show(now);
    }
  }

  @Override
  public void failure(ImportFailure failure) {
    clearLine();
    err.println(failure);
  }

  @Override
  public void skipped(SkippedFile file) {
    clearLine();
    err.println(file);
  }

  /** Ends the progress line, if one is on screen. */
  void finish() {
    if (terminal && lineShown) {
      show(nanoTime.getAsLong());
      err.println();
      lineShown = false;
    }
  }

  private void show(long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    double rate = done / seconds;
    String left =
        rate < 1 || done >= total ? "" : ", about " + duration((total - done) / rate) + " left";
    String text =
        String.format(
            Locale.ROOT,
            "%,d / %,d resources (%d%%), %,.0f/s%s",
            done,
            total,
            total == 0 ? 100 : done * 100 / total,
            rate,
            left);
    if (terminal) {
      err.print("\r\033[K" + text);
      lineShown = true;
    } else {
      err.println("import: " + text);
    }
    err.flush();
  }

  private void clearLine() {
    if (terminal && lineShown) {
      err.print("\r\033[K");
      lineShown = false;
    }
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60
        ? s + " s"
        : s < 3600
            ? (s / 60) + " min " + (s % 60) + " s"
            : (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }

  /** Whether this process's stderr is a terminal (Linux: fd 2 links to a tty device). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
