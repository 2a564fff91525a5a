package org.consentry.server.terminology;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Comparator;
import java.util.Optional;
import org.consentry.server.storage.AfterCommit;
import org.consentry.terminology.Confidentiality;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Labels every resource just before it is stored, on every write path that reaches HAPI's storage
 * (create, update, patch, conditional writes, transaction and batch entries, and so the importer):
 * sensitivity categories from its codes plus a confidentiality level, added to {@code
 * meta.security}. Labels the client set are kept and never lowered.
 *
 * <p>A ValueSet that declares a sensitivity category is validated before it is stored (an invalid
 * one is refused with 400 and the reason) and, once committed, the labeler is rebuilt so the next
 * write uses it, on this node and (announced through the shared generations) on every other.
 */
@Interceptor
final class SensitivityLabelingInterceptor {

  /** Tells the other nodes that the sensitivity value sets changed. */
  interface Announce {
    /**
     * @param appliedHere whether this node's labeler already has the change
     */
    void changed(boolean appliedHere);
  }

  private final CurrentLabeler labeler;
  private final boolean labeling;
  private final Announce announce;

  SensitivityLabelingInterceptor(CurrentLabeler labeler, boolean labeling, Announce announce) {
    this.labeler = labeler;
    this.labeling = labeling;
    this.announce = announce;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    beforeStore(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    keepPreviousLabels(previous, resource);
    beforeStore(resource);
  }

  /**
   * An update never drops a security label nor lowers the confidentiality level: the labels of the
   * previous version are carried over, and of two confidentiality levels the higher stays.
   */
  private static void keepPreviousLabels(IBaseResource previous, IBaseResource resource) {
    if (!(previous instanceof Resource before) || !(resource instanceof Resource after)) {
      return;
    }
    Optional<Confidentiality> previousLevel = level(before);
    Optional<Confidentiality> newLevel = level(after);
    for (Coding label : before.getMeta().getSecurity()) {
      boolean confidentiality = Confidentiality.fromCoding(label).isPresent();
      if (!confidentiality
          && after.getMeta().getSecurity(label.getSystem(), label.getCode()) == null) {
        after.getMeta().addSecurity(label.copy());
      }
    }
    if (previousLevel.isPresent()
        && (newLevel.isEmpty() || newLevel.get().compareTo(previousLevel.get()) < 0)) {
      after.getMeta().getSecurity().removeIf(c -> Confidentiality.fromCoding(c).isPresent());
      after.getMeta().addSecurity(previousLevel.get().toCoding());
    }
  }

  private static Optional<Confidentiality> level(Resource resource) {
    return resource.getMeta().getSecurity().stream()
        .map(Confidentiality::fromCoding)
        .flatMap(Optional::stream)
        .max(Comparator.naturalOrder());
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (isSensitivityValueSet(resource)) {
      // every node, this one too, rebuilds from the database at its next sync
      AfterCommit.run(() -> announce.changed(false));
    }
  }

  private void beforeStore(IBaseResource resource) {
    if (resource instanceof ValueSet valueSet && declaresCategory(valueSet)) {
      try {
        labeler.get().withValueSet(valueSet);
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("Invalid sensitivity ValueSet: " + e.getMessage());
      }
      ValueSet stored = valueSet.copy();
      AfterCommit.run(
          () -> {
            labeler.add(stored);
            announce.changed(true);
          });
    }
    if (labeling) {
      labeler.get().apply(resource);
    }
  }

  private static boolean declaresCategory(ValueSet valueSet) {
    try {
      return Terminology.declaredCategory(valueSet).isPresent();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("Invalid sensitivity ValueSet: " + e.getMessage());
    }
  }

  private static boolean isSensitivityValueSet(IBaseResource resource) {
    if (!(resource instanceof ValueSet valueSet)) {
      return false;
    }
    try {
      return Terminology.declaredCategory(valueSet).isPresent();
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
