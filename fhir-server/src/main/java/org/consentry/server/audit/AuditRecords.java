package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.consentry.audit.AuditRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;

/** Stored records as FHIR: an {@code AuditEvent} per record, and searchset pages of them. */
final class AuditRecords {

  private AuditRecords() {}

  /** The stored event, with the record's sequence number as its id. */
  static AuditEvent toEvent(FhirContext fhir, AuditRecord record) {
    AuditEvent event = fhir.newJsonParser().parseResource(AuditEvent.class, record.json());
    event.setId("AuditEvent/" + record.seq());
    event.getMeta().setLastUpdated(Date.from(record.recorded()));
    return event;
  }

  /** A searchset page with exact total and {@code _offset} links. */
  static Bundle page(
      FhirContext fhir,
      RequestDetails request,
      List<AuditRecord> records,
      long total,
      int offset,
      int count) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal((int) Math.min(total, Integer.MAX_VALUE));
    String base = request.getFhirServerBase() + "/AuditEvent";
    String query = query(request);
    bundle.addLink().setRelation("self").setUrl(link(base, query, offset, count));
    if (count > 0 && offset + records.size() < total && !records.isEmpty()) {
      bundle.addLink().setRelation("next").setUrl(link(base, query, offset + count, count));
    }
    if (offset > 0) {
      bundle
          .addLink()
          .setRelation("previous")
          .setUrl(link(base, query, Math.max(0, offset - Math.max(count, 1)), count));
    }
    for (AuditRecord record : records) {
      AuditEvent event = toEvent(fhir, record);
      bundle
          .addEntry()
          .setFullUrl(request.getFhirServerBase() + "/AuditEvent/" + record.seq())
          .setResource(event)
          .getSearch()
          .setMode(Bundle.SearchEntryMode.MATCH);
    }
    return bundle;
  }

  private static String query(RequestDetails request) {
    Map<String, String[]> parameters = request.getParameters();
    if (parameters == null) {
      return "";
    }
    return parameters.entrySet().stream()
        .filter(e -> !e.getKey().equals("_offset") && !e.getKey().equals("_count"))
        .flatMap(
            e ->
                java.util.Arrays.stream(e.getValue())
                    .map(v -> encode(e.getKey()) + "=" + encode(v)))
        .collect(Collectors.joining("&"));
  }

  private static String link(String base, String query, int offset, int count) {
    return base
        + "?"
        + (query.isEmpty() ? "" : query + "&")
        + "_offset="
        + offset
        + "&_count="
        + count;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }
}
