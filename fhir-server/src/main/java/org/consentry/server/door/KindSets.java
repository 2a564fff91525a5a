package org.consentry.server.door;

import static org.consentry.consent.Requester.Kind.PATIENT;
import static org.consentry.consent.Requester.Kind.PRACTITIONER;
import static org.consentry.consent.Requester.Kind.SYSTEM;

import java.util.EnumSet;
import java.util.Set;
import org.consentry.consent.Requester.Kind;

/** The groups of requester kinds the API surface names in its rules. */
final class KindSets {

  /** Those who take part in care: patients, practitioners, EHR systems. */
  static final Set<Kind> CARE = EnumSet.of(PATIENT, PRACTITIONER, SYSTEM);

  /** Every kind. */
  static final Set<Kind> EVERYONE = EnumSet.allOf(Kind.class);

  /** Practitioners and EHR systems. */
  static final Set<Kind> STAFF = EnumSet.of(PRACTITIONER, SYSTEM);

  /** EHR systems and other backend services. */
  static final Set<Kind> SYSTEMS = EnumSet.of(SYSTEM);

  private KindSets() {}
}
