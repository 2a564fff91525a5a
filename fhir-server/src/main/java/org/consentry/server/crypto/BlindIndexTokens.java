package org.consentry.server.crypto;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.crypto.BlindIndex;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * Blind-index tokens of a Patient, stored as extra {@code Patient.identifier} entries so HAPI's own
 * token index serves equality search over encrypted fields. Each kind has its own system and its
 * own HMAC domain (tokens of one kind say nothing about another):
 *
 * <pre>
 * system                                                       token over (normalized)   serves
 * http://consentry.org/fhir/blind-index/identifier             identifier system|value   identifier=system|value
 * http://consentry.org/fhir/blind-index/identifier-value       identifier value          identifier=value
 * http://consentry.org/fhir/blind-index/family                 each family name          family=X, family:exact=X
 * http://consentry.org/fhir/blind-index/given                  each given name           given=X, given:exact=X
 * http://consentry.org/fhir/blind-index/name                   each family and given     name=X, name:exact=X
 * </pre>
 *
 * The entries never leave the server: they are stripped from every response.
 *
 * <p>Public (the type, its constructor, {@link #token} and the systems) only so that the audit log
 * can protect searched values with the very tokens the server searches with; everything else stays
 * package-private.
 */
public final class BlindIndexTokens {

  public static final String PREFIX = "http://consentry.org/fhir/blind-index/";
  public static final String IDENTIFIER = PREFIX + "identifier";
  public static final String IDENTIFIER_VALUE = PREFIX + "identifier-value";
  public static final String FAMILY = PREFIX + "family";
  public static final String GIVEN = PREFIX + "given";
  public static final String NAME = PREFIX + "name";

  private final BlindIndex index;

  /** Tokens under the given blind index (the server's is keyed by the keystore's index secret). */
  public BlindIndexTokens(BlindIndex index) {
    this.index = index;
  }

  /**
   * The token of a search value for one kind (a system above); identifier kinds take system|value.
   *
   * @throws IllegalArgumentException if {@code system} is not one of the systems above
   */
  public String token(String system, String value) {
    return index.token(domain(system), value);
  }

  /**
   * Removes the patient's token entries and returns the tokens of its current plaintext: call
   * before encrypting, and add them after (they must not be encrypted themselves).
   */
  List<Identifier> tokensOf(Patient patient) {
    strip(patient);
    List<Identifier> tokens = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Identifier identifier : patient.getIdentifier()) {
      // a masked (erased) value has extensions but no value: nothing to index
      if (identifier.getValue() != null) {
        if (identifier.getSystem() != null) {
          add(tokens, seen, IDENTIFIER, identifier.getSystem() + "|" + identifier.getValue());
        }
        add(tokens, seen, IDENTIFIER_VALUE, identifier.getValue());
      }
    }
    for (HumanName name : patient.getName()) {
      if (name.getFamily() != null) {
        add(tokens, seen, FAMILY, name.getFamily());
        add(tokens, seen, NAME, name.getFamily());
      }
      for (StringType given : name.getGiven()) {
        if (given.getValue() != null) {
          add(tokens, seen, GIVEN, given.getValue());
          add(tokens, seen, NAME, given.getValue());
        }
      }
    }
    return tokens;
  }

  /** Removes every token entry (before a response, or before indexing anew). */
  static void strip(Patient patient) {
    patient.getIdentifier().removeIf(i -> i.hasSystem() && i.getSystem().startsWith(PREFIX));
  }

  private void add(List<Identifier> tokens, Set<String> seen, String system, String value) {
    String token = token(system, value);
    if (seen.add(system + "|" + token)) {
      tokens.add(new Identifier().setSystem(system).setValue(token));
    }
  }

  private static String domain(String system) {
    return switch (system) {
      case IDENTIFIER -> "Patient.identifier";
      case IDENTIFIER_VALUE -> "Patient.identifier.value";
      case FAMILY -> "Patient.name.family";
      case GIVEN -> "Patient.name.given";
      case NAME -> "Patient.name";
      default -> throw new IllegalArgumentException("not a blind-index system: " + system);
    };
  }
}
