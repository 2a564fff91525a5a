package org.consentry.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A research export's progress on stderr: the job's status text (the server's {@code X-Progress})
 * and the time waited. On a terminal one line is redrawn in place; elsewhere (a log, CI) a line is
 * written when the status changes, and every ten seconds while it does not.
 */
final class ResearchProgress {

  private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

  private final PrintStream err;
  private final boolean terminal;
  private String lastText;
  private Duration lastShown = Duration.ZERO;
  private boolean lineShown;

  ResearchProgress(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /**
   * @param elapsed time since the job started, or null when it does not apply (downloads)
   */
  void status(String text, Duration elapsed) {
    String clean = text.replaceAll("\\p{Cntrl}", " ");
    String line =
        "research export: "
            + clean
            + (elapsed == null ? "" : " (" + ProgressReporter.duration(elapsed.toSeconds()) + ")");
    if (terminal) {
      err.print("\r\033[K" + line);
      lineShown = true;
    } else if (!clean.equals(lastText)
        || (elapsed != null && elapsed.minus(lastShown).compareTo(PLAIN_INTERVAL) >= 0)) {
      err.println(line);
      lastShown = elapsed == null ? Duration.ZERO : elapsed;
    }
    lastText = clean;
    err.flush();
  }

  /** Ends the progress line, if one is on screen. */
  void finish() {
    if (lineShown) {
      err.println();
      lineShown = false;
    }
  }
}
