package org.consentry.consent.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Compiles {@code provision.data}. Meaning {@code related} is expanded here, once: the resolver
 * reads the referenced resource and everything it refers to is added. The other meanings are
 * checked against the resource at decision time ({@code dependents}: does it refer to the
 * reference; {@code authoredby}: is the reference its author).
 */
final class DataCompiler {

  private final ReferenceResolver resolver;

  DataCompiler(ReferenceResolver resolver) {
    this.resolver = resolver;
  }

  DataCriteria compile(List<Consent.provisionDataComponent> entries) {
    Set<String> instances = new HashSet<>();
    Set<String> dependentsOf = new HashSet<>();
    Set<String> authors = new HashSet<>();
    for (Consent.provisionDataComponent entry : entries) {
      String reference = References.normalize(entry.getReference());
      if (reference == null || !entry.hasMeaning()) {
        continue;
      }
      switch (entry.getMeaning()) {
        case INSTANCE -> instances.add(reference);
        case RELATED -> {
          instances.add(reference);
          resolver.resolve(reference).ifPresent(target -> instances.addAll(referencesOf(target)));
        }
        case DEPENDENTS -> {
          instances.add(reference);
          dependentsOf.add(reference);
        }
        case AUTHOREDBY -> authors.add(reference);
        default -> {
          // NULL: no meaning, nothing to match
        }
      }
    }
    return new DataCriteria(instances, dependentsOf, authors);
  }

  private static Set<String> referencesOf(Resource target) {
    return ResourceLinks.references(target);
  }

  static String describe(List<Consent.provisionDataComponent> entries) {
    return entries.stream()
        .map(
            entry ->
                (entry.hasMeaning() ? entry.getMeaning().toCode() : "?")
                    + " "
                    + (entry.hasReference() ? entry.getReference().getReference() : "?"))
        .collect(Collectors.joining(", "));
  }
}
