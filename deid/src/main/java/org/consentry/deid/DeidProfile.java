package org.consentry.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.consentry.deid.internal.CompiledProfile;
import org.consentry.deid.internal.ProfileReader;

/**
 * A de-identification profile: ordered rules (a path and a method) and parameters, in the JSON
 * format of Microsoft's FHIR-Tools-for-Anonymization, so that its configurations port with few
 * changes. Checked and compiled when read: an unsupported path, an unknown element, an unsupported
 * method or parameter throws {@link DeidProfileException} naming it. Format, methods and both
 * bundled profiles: {@code deid/README.md}.
 *
 * <p>Bundled: {@link #safeHarbor()} (HIPAA Safe Harbor, 45 CFR 164.514(b)(2), the default) and
 * {@link #limitedDataSet()} (45 CFR 164.514(e)(2)). Immutable and thread-safe.
 */
public final class DeidProfile {

  private static volatile DeidProfile safeHarbor;
  private static volatile DeidProfile limitedDataSet;

  private final CompiledProfile compiled;

  private DeidProfile(CompiledProfile compiled) {
    this.compiled = compiled;
  }

  /**
   * HIPAA Safe Harbor: the 18 identifiers of 164.514(b)(2)(i) removed or replaced, every date
   * reduced to its year (90 years ago or earlier: to that year, one "90 or older" category), ages
   * of 90 and over to 90+, ZIP codes to ZIP3 (000 for the 17 restricted areas), ids and identifier
   * values pseudonymized under the study key.
   */
  public static DeidProfile safeHarbor() {
    DeidProfile profile = safeHarbor;
    if (profile == null) {
      profile = bundled("safe-harbor.json");
      safeHarbor = profile;
    }
    return profile;
  }

  /**
   * Limited Data Set: the 16 direct identifiers of 164.514(e)(2) removed or replaced; dates, ages,
   * city, state and ZIP code kept as they are. Only for recipients under a data use agreement.
   */
  public static DeidProfile limitedDataSet() {
    DeidProfile profile = limitedDataSet;
    if (profile == null) {
      profile = bundled("limited-data-set.json");
      limitedDataSet = profile;
    }
    return profile;
  }

  /**
   * @throws DeidProfileException if the profile is malformed or unsupported
   */
  public static DeidProfile parse(String json) {
    return new DeidProfile(ProfileReader.read(Objects.requireNonNull(json, "json")));
  }

  /**
   * Reads a profile from a UTF-8 stream (not closed).
   *
   * @throws DeidProfileException if the profile is malformed or unsupported
   * @throws UncheckedIOException if the stream cannot be read
   */
  public static DeidProfile parse(InputStream json) {
    try {
      return parse(new String(json.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the profile", e);
    }
  }

  /** The profile's {@code name}, {@code custom} if it has none. */
  public String name() {
    return compiled.name();
  }

  /** The rules in the order they are tried: the profile's, then the built-in ones. */
  public List<DeidRule> rules() {
    return compiled.rules();
  }

  /** The extension URLs kept (with everything nested in them); every other extension is removed. */
  public Set<String> allowedExtensions() {
    return compiled.settings().allowedExtensions();
  }

  /** The largest date shift, in days, either way. */
  public int dateShiftRange() {
    return compiled.settings().shiftRange();
  }

  CompiledProfile compiled() {
    return compiled;
  }

  private static DeidProfile bundled(String file) {
    try (InputStream in = DeidProfile.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("bundled profile missing: " + file);
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled profile " + file, e);
    }
  }

  @Override
  public String toString() {
    return "DeidProfile[" + name() + ", " + rules().size() + " rules]";
  }
}
