package org.consentry.terminology;

import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Labels a resource with the sensitivity categories of the codes it carries.
 *
 * <p>What is read: every Coding in the resource and in its contained resources (for a Bundle, in
 * its entries), except {@code meta}. Common types are read through typed getters (the coded
 * elements that say what the resource is about, for example Observation code, value and components,
 * Condition code, Claim item productOrService); every other type through a generic walk of the
 * model. A code matches when its system and code are equal to an entry of a value set, exactly: no
 * subsumption, no case folding, no version check. A code of a system no value set mentions simply
 * matches nothing.
 *
 * <p>Guarantee: lookups in a hash map built once, so the cost is proportional to the number of
 * codings, not to the size of the value sets. Implementations are immutable and thread-safe; {@link
 * #apply} mutates only the resource it is given, which the caller must not share with another
 * thread during the call.
 *
 * <p>Failure: an argument that is not a FHIR R4 resource, or an invalid value set given to {@link
 * #withValueSet}, throws {@link IllegalArgumentException} with a message that says why.
 */
public interface SensitivityLabeler {

  /** The sensitivity categories of the codes in the resource; empty when none is sensitive. */
  Set<SensitivityCategory> categories(IBaseResource resource);

  /**
   * Adds to {@code meta.security} each category of {@link #categories} that is missing, and the
   * confidentiality level: {@link Confidentiality#R} if the resource carries any sensitivity
   * category (found or already labeled by the client), {@link Confidentiality#N} otherwise. Never
   * removes a label and never lowers a level: an existing V stays V, an existing R stays R on
   * non-sensitive data; a lower level on sensitive data is raised to R in place.
   *
   * @return whether {@code meta.security} changed
   */
  boolean apply(IBaseResource resource);

  /**
   * A new labeler that also uses this value set, replacing any value set with the same URL
   * (whatever its version). The value set declares its category with the extension {@value
   * Terminology#SENSITIVITY_CATEGORY_EXTENSION} and lists its codes explicitly in {@code
   * compose.include.concept}; see {@link Terminology#declaredCategory}.
   *
   * @throws IllegalArgumentException if the value set is not a valid sensitivity value set
   */
  SensitivityLabeler withValueSet(ValueSet valueSet);
}
