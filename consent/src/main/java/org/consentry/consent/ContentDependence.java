package org.consentry.consent;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Coding;

/**
 * What one patient's Consents need to know about a resource to decide for one requester, from
 * {@link ConsentEngine#dependence}: the provisions that can apply to this requester now (their
 * period, purpose, action, actor and research study match) are examined for the content they test.
 *
 * <p>With {@code otherContent} false, a decision depends only on the resource's type and on which
 * of {@code labels} it carries, so it can be computed once per type and label combination and
 * pushed into a database query. With {@code otherContent} true (codes, a data period, data
 * references), each resource must be decided on its own.
 *
 * @param labels the security labels the applicable provisions test (a coding without system matches
 *     that code in any system)
 * @param otherContent whether applicable provisions test codes, clinical dates or data references
 * @param validUntil epoch millis at which a provision or Consent period starts or ends, after which
 *     this answer must be computed again; {@link Long#MAX_VALUE} when none does
 */
public record ContentDependence(List<Coding> labels, boolean otherContent, long validUntil) {

  public ContentDependence {
    labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
  }

  /** No Consent applies: the decision is the same for every resource of the patient. */
  public static ContentDependence none() {
    return new ContentDependence(List.of(), false, Long.MAX_VALUE);
  }
}
