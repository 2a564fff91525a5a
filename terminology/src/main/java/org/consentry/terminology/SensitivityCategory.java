package org.consentry.terminology;

import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/**
 * An HL7 v3 ActCode information sensitivity policy: the label the sensitivity labeler puts in
 * {@code meta.security} and the label a Consent provision names in {@code securityLabel}.
 *
 * <p>The constants are the whole {@code _ActInformationSensitivityPolicy} subtree of v3-ActCode
 * (except SICKLE, whose published definition is a copy of its parent's; SCA covers sickle cell).
 * The bundled value sets map clinical codes to PSY, ETH, SDV, SEX, HIV, STD and GDIS; an operator
 * can add a value set for any other constant.
 */
public enum SensitivityCategory {
  ETH("substance abuse information sensitivity"),
  GDIS("genetic disease information sensitivity"),
  HIV("HIV/AIDS information sensitivity"),
  MST("military sexual trauma information sensitivity"),
  SCA("sickle cell anemia information sensitivity"),
  SDV("sexual assault, abuse, or domestic violence information sensitivity"),
  SEX("sexuality and reproductive health information sensitivity"),
  SPI("specially protected information sensitivity"),
  BH("behavioral health information sensitivity"),
  COGN("cognitive disability information sensitivity"),
  DVD("developmental disability information sensitivity"),
  EMOTDIS("emotional disturbance information sensitivity"),
  MH("mental health information sensitivity"),
  PSY("psychiatry disorder information sensitivity"),
  PSYTHPN("psychotherapy note information sensitivity"),
  SUD("substance use disorder information sensitivity"),
  ETHUD("alcohol use disorder information sensitivity"),
  OPIOIDUD("opioid use disorder information sensitivity"),
  STD("sexually transmitted disease information sensitivity"),
  TBOO("taboo"),
  VIO("violence information sensitivity");

  /** The code system of every constant. */
  public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private static final String VALUE_SET_PREFIX = "http://consentry.org/fhir/ValueSet/sensitivity-";

  private final String display;

  SensitivityCategory(String display) {
    this.display = display;
  }

  public String system() {
    return SYSTEM;
  }

  public String code() {
    return name();
  }

  public String display() {
    return display;
  }

  /** The canonical URL of the bundled value set for this category, if one is bundled. */
  public String valueSetUrl() {
    return VALUE_SET_PREFIX + name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A new coding for {@code meta.security}. */
  public Coding toCoding() {
    return new Coding(SYSTEM, name(), display);
  }

  /** The category with this v3-ActCode code, or empty if the code is not one of the constants. */
  public static Optional<SensitivityCategory> fromCode(String code) {
    if (code == null) {
      return Optional.empty();
    }
    for (SensitivityCategory category : values()) {
      if (category.name().equals(code)) {
        return Optional.of(category);
      }
    }
    return Optional.empty();
  }
}
