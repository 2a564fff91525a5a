package org.consentry.server.consent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.consentry.server.fhir.OwnerIndex;

/**
 * What one requester may see of one resource type, as search parameters on the {@link OwnerIndex}
 * that the database applies: the patients hidden entirely, the combinations of a patient and a
 * security label that are hidden, and, where the purpose's default is deny (such as research), the
 * patients admitted. A resource whose decision depends on more than that (codes, dates, data
 * references in a Consent; a Bulk Data file) is still decided per resource; the view is {@code
 * exact} when no such resource can be among the results, so that counts taken in the database are
 * the requester's own.
 *
 * @param hidden owners whose resources are all hidden (including {@link OwnerIndex#NOBODY})
 * @param hiddenLabels owner-label values hidden, as {@code system|owner~code} or {@code owner~code}
 * @param admitted for a default-deny purpose, the owners that may be visible; null otherwise
 * @param perResource owners whose resources are decided one by one (their Consents test codes,
 *     dates or data references), so the database may return some the requester cannot see; null
 *     when that can be any resource of the type (Bulk Data files)
 * @param validUntil epoch millis after which a Consent period starts or ends
 */
record ConsentView(
    List<String> hidden,
    List<String> hiddenLabels,
    List<String> admitted,
    List<String> perResource,
    long validUntil) {

  /** A value no owner has: nobody admitted. */
  static final String NO_OWNER = "~none";

  /** For types that never belong to a patient: nothing to add. */
  static final ConsentView OPEN =
      new ConsentView(List.of(), List.of(), null, List.of(), Long.MAX_VALUE);

  ConsentView {
    hidden = List.copyOf(hidden);
    hiddenLabels = List.copyOf(hiddenLabels);
    admitted = admitted == null ? null : List.copyOf(admitted);
    perResource = perResource == null ? null : List.copyOf(perResource);
  }

  /** Whether the database's answer is exactly what the requester may see. */
  boolean exact() {
    return perResource != null && perResource.isEmpty();
  }

  /** The parameters to add to a search of the type, name to one comma-separated value. */
  Map<String, String> parameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (admitted != null) {
      parameters.put(OwnerIndex.OWNER, admitted.isEmpty() ? NO_OWNER : String.join(",", admitted));
    }
    if (!hidden.isEmpty()) {
      parameters.put(OwnerIndex.OWNER + ":not", String.join(",", hidden));
    }
    if (!hiddenLabels.isEmpty()) {
      parameters.put(OwnerIndex.OWNER_LABEL + ":not", String.join(",", hiddenLabels));
    }
    return parameters;
  }

  /** A token search value: {@code \}, {@code ,}, {@code |} and {@code $} escaped. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$");
  }
}
