package org.consentry.server.consent;

import java.util.Map;
import org.consentry.consent.ConsentPolicy;
import org.consentry.consent.Decision;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code consentry.consent.*}: the deployment policy.
 *
 * @param defaults the decision per purpose of use when no Consent of the patient applies, for
 *     example {@code TREAT: PERMIT} (opt-out) and {@code HRESCH: DENY} (opt-in); specializations
 *     inherit (ETREAT follows TREAT unless listed). Empty: {@link ConsentPolicy#defaults()}.
 * @param fallback the decision for a purpose that has no default
 */
@ConfigurationProperties("consentry.consent")
record ConsentProperties(
    Map<String, Decision.Outcome> defaults, @DefaultValue("DENY") Decision.Outcome fallback) {

  ConsentPolicy policy() {
    if (defaults == null || defaults.isEmpty()) {
      return ConsentPolicy.defaults();
    }
    return new ConsentPolicy(defaults, fallback);
  }
}
