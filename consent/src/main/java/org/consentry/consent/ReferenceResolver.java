package org.consentry.consent;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads a resource that a Consent's {@code provision.data} refers to, so that {@link
 * ConsentEngine#compile} can expand meaning {@code related} to what that resource refers to.
 *
 * <p>Called only while compiling, never while deciding. Contract: return the current version of the
 * resource, or empty when it is unknown, deleted or not readable; do not throw for a missing
 * resource (an exception propagates out of {@code compile}).
 */
@FunctionalInterface
public interface ReferenceResolver {

  /** The resource with this relative reference ({@code "Observation/5"}), or empty when unknown. */
  Optional<Resource> resolve(String relativeReference);

  /** A resolver that knows no resource: data references are not expanded. */
  static ReferenceResolver none() {
    return reference -> Optional.empty();
  }
}
