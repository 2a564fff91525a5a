package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.cli.imports.ImportFailure;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final AtomicLong now = new AtomicLong();

  String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void progress_notATerminal_printsAPlainLineEveryTwoSeconds() {
    ProgressReporter reporter = new ProgressReporter(err, false, now::get);
    for (int i = 1; i <= 50; i++) {
      now.addAndGet(100_000_000L); // 0.1 s
      reporter.progress(i * 100, 10_000);
    }

    assertThat(printed().lines()).hasSize(2).allMatch(line -> line.startsWith("import: "));
    assertThat(printed())
        .doesNotContain("\r")
        .contains("2,000 / 10,000 resources (20%), 1,000/s, about 8 s left");
  }

  @Test
  void progress_onATerminal_redrawsOneLineAtMostFourTimesASecond() {
    ProgressReporter reporter = new ProgressReporter(err, true, now::get);
    for (int i = 1; i <= 100; i++) {
      now.addAndGet(10_000_000L); // 10 ms
      reporter.progress(i, 100);
    }
    reporter.finish();

    assertThat(printed().split("\r", -1).length - 1).isBetween(4, 6);
    assertThat(printed()).endsWith("100 / 100 resources (100%), 100/s\n");
  }

  @Test
  void failure_onATerminal_clearsTheProgressLineFirst() {
    ProgressReporter reporter = new ProgressReporter(err, true, now::get);
    now.addAndGet(1_000_000_000L);
    reporter.progress(1, 2);
    reporter.failure(new ImportFailure("a.ndjson:2", "broken"));

    assertThat(printed()).endsWith("\r\033[Ka.ndjson:2: broken\n");
  }
}
