package org.consentry.server.consent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * @param owners the same entries by owner (a bare patient id, or {@link OwnerIndex#NOBODY}), so
 *     that the view can be restricted to a few owners ({@link #restrictedTo}) at a cost that does
 *     not grow with the number of patients; null when it cannot be restricted
 */
record ConsentView(
    List<String> hidden,
    List<String> hiddenLabels,
    List<String> admitted,
    List<String> perResource,
    long validUntil,
    Map<String, Owner> owners) {

  /**
   * One owner's part of a view: hidden entirely, admitted (default-deny purposes), decided per
   * resource, and its hidden owner-label values.
   */
  record Owner(boolean hidden, boolean admitted, boolean perResource, List<String> labels) {
    Owner {
      labels = List.copyOf(labels);
    }
  }

  /** A value no owner has: nobody admitted. */
  static final String NO_OWNER = "~none";

  /** For types that never belong to a patient: nothing to add. */
  static final ConsentView OPEN =
      new ConsentView(List.of(), List.of(), null, List.of(), Long.MAX_VALUE, Map.of());

  ConsentView {
    hidden = List.copyOf(hidden);
    hiddenLabels = List.copyOf(hiddenLabels);
    admitted = admitted == null ? null : List.copyOf(admitted);
    perResource = perResource == null ? null : List.copyOf(perResource);
    owners = owners == null ? null : Map.copyOf(owners);
  }

  /**
   * Whether the view has entries for owners other than these, {@link OwnerIndex#NOBODY} included,
   * so that restricting it to them would drop something.
   */
  boolean namesOthers(Collection<String> kept) {
    if (owners == null) {
      return false;
    }
    Set<String> keep = new HashSet<>(kept);
    keep.remove(OwnerIndex.NOBODY);
    return owners.keySet().stream().anyMatch(owner -> !keep.contains(owner));
  }

  /**
   * The view with only the entries of these owners: the same predicate as the whole view for every
   * resource that belongs to one of them at least and to no one else, whatever the number of
   * patients the whole view names. Such a resource is never indexed as {@link OwnerIndex#NOBODY},
   * so that entry goes too (a practitioner's view hides what belongs to nobody: one subquery less
   * for every search of a patient's resources). The cost is that of the kept owners.
   */
  ConsentView restrictedTo(Collection<String> kept) {
    if (owners == null) {
      return this;
    }
    TreeSet<String> keep = new TreeSet<>(kept);
    keep.remove(OwnerIndex.NOBODY);
    List<String> keptHidden = new ArrayList<>();
    TreeSet<String> keptLabels = new TreeSet<>();
    List<String> keptAdmitted = admitted == null ? null : new ArrayList<>();
    List<String> keptPerResource = perResource == null ? null : new ArrayList<>();
    Map<String, Owner> keptOwners = new LinkedHashMap<>();
    for (String owner : keep) {
      Owner entry = owners.get(owner);
      if (entry == null) {
        continue;
      }
      keptOwners.put(owner, entry);
      String value = escape(owner);
      if (entry.hidden()) {
        keptHidden.add(value);
      }
      if (entry.admitted() && keptAdmitted != null) {
        keptAdmitted.add(value);
      }
      if (entry.perResource() && keptPerResource != null) {
        keptPerResource.add(value);
      }
      keptLabels.addAll(entry.labels());
    }
    keptHidden.sort(null);
    if (keptAdmitted != null) {
      keptAdmitted.sort(null);
    }
    if (keptPerResource != null) {
      keptPerResource.sort(null);
    }
    return new ConsentView(
        keptHidden,
        new ArrayList<>(keptLabels),
        keptAdmitted,
        keptPerResource,
        validUntil,
        keptOwners);
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
