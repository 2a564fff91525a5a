package org.consentry.audit.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.consentry.audit.VerificationReport;
import org.consentry.audit.VerificationReport.Problem;

/** The one paragraph of a {@link VerificationReport}, for the operator who ran the check. */
final class ReportText {

  private ReportText() {}

  static String of(
      long checked,
      long start,
      long lastSeq,
      Problem problem,
      VerificationReport.Checkpoint lastGood,
      boolean withHead) {
    StringBuilder text = new StringBuilder();
    String from =
        start == 0
            ? ""
            : ", starting after the prune anchor at seq "
                + start
                + " (records up to it were pruned)";
    if (problem == null) {
      if (checked == 0 && start == 0) {
        return "The audit log is empty: nothing to check.";
      }
      text.append("The audit log is intact: ")
          .append(records(checked))
          .append(checked == 0 ? "" : " checked (seq " + (start + 1) + " to " + lastSeq + ")")
          .append(from)
          .append("; every record's hash continues the chain");
      if (lastGood != null) {
        text.append(", the last signed checkpoint (seq ")
            .append(lastGood.seq())
            .append(", ")
            .append(time(lastGood.created()))
            .append(") matches");
      }
      text.append(withHead ? ", and the signed head names the last record." : ".");
      return text.toString();
    }
    text.append("The audit log was changed outside Consentry: at seq ")
        .append(problem.seq())
        .append(", ")
        .append(problem.detail())
        .append(" (")
        .append(problem.kind())
        .append("). ")
        .append(
            checked == 0
                ? "No record before it was checked"
                : records(checked)
                    + " before it check out (seq "
                    + (start + 1)
                    + " to "
                    + lastSeq
                    + ")"
                    + from)
        .append(". ");
    if (lastGood != null) {
      text.append("The last signed checkpoint that still holds is at seq ")
          .append(lastGood.seq())
          .append(" (")
          .append(time(lastGood.created()))
          .append("): the records up to it are as Consentry wrote them; ");
    } else {
      text.append("No signed checkpoint holds before the problem; ");
    }
    text.append(
        "later records cannot be trusted until the change is explained (compare them with a"
            + " backup).");
    return text.toString();
  }

  private static String records(long n) {
    return n == 1 ? "1 record" : String.format("%,d records", n);
  }

  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
