package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A search's pages belong to the requesters it was answered to. When a response carries a page
 * link, the search id is bound to a fingerprint of its requester (kind, subject, patient, purpose
 * of use, scopes, organization) in the database, so every node knows it; a page is served only to a
 * bound fingerprint (so not after the purpose changed, e.g. without the emergency purpose), and
 * anyone else gets the answer of a search id that does not exist. Requesters with the same consent
 * view may be answered from one cached search; each of them is bound to it when answered. The
 * page's resources are still decided afresh when it is fetched, so a Consent change applies to the
 * next page.
 */
@Interceptor
final class PageOwners implements ServerInterceptor {

  private static final String TABLE = "CONSENTRY_PAGE_READER";
  private static final Pattern PAGE = Pattern.compile("[?&]_getpages=([A-Za-z0-9\\-]{1,64})");
  private static final int LOCAL_ENTRIES = 10_000;

  private final JdbcTemplate jdbc;

  /** Bindings are never removed while a search lives, so each node keeps the ones it has seen. */
  private final Map<String, Set<String>> known = new ConcurrentHashMap<>();

  private final AtomicLong recorded = new AtomicLong();

  PageOwners(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (SEARCH_ID VARCHAR(64) NOT NULL,"
            + " OWNER CHAR(64) NOT NULL, CREATED TIMESTAMP NOT NULL DEFAULT now(), PRIMARY KEY (SEARCH_ID, OWNER))");
  }

  /** The answer for a page of a search that does not exist, or is not the requester's. */
  static ResourceGoneException gone(String searchId) {
    return new ResourceGoneException(
        "Search " + searchId + " does not exist or has expired: run the search again");
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void bindPages(RequestDetails request, ResponseDetails response) {
    if (!(response.getResponseResource() instanceof Bundle bundle)) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    for (Bundle.BundleLinkComponent link : bundle.getLink()) {
      Matcher page = PAGE.matcher(link.getUrl() == null ? "" : link.getUrl());
      if (page.find()) {
        bind(page.group(1), fingerprint(requester));
        return;
      }
    }
  }

  void requireOwner(String[] searchIds, Requester requester) {
    String searchId = searchIds == null || searchIds.length != 1 ? null : searchIds[0];
    if (searchId == null) {
      throw gone("(none)");
    }
    String owner = fingerprint(requester);
    if (isKnown(searchId, owner)) {
      return;
    }
    Integer bound =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM " + TABLE + " WHERE SEARCH_ID = ? AND OWNER = ?",
            Integer.class,
            searchId,
            owner);
    if (bound == null || bound == 0) {
      throw gone(searchId);
    }
    remember(searchId, owner);
  }

  private boolean isKnown(String searchId, String owner) {
    Set<String> owners = known.get(searchId);
    return owners != null && owners.contains(owner);
  }

  private void bind(String searchId, String owner) {
    if (isKnown(searchId, owner)) {
      return;
    }
    jdbc.update(
        "INSERT INTO " + TABLE + " (SEARCH_ID, OWNER) VALUES (?, ?) ON CONFLICT DO NOTHING",
        searchId,
        owner);
    remember(searchId, owner);
    if (recorded.incrementAndGet() % 1000 == 0) {
      // HAPI expires its searches after an hour; their bindings go a while later
      jdbc.update("DELETE FROM " + TABLE + " WHERE CREATED < now() - interval '1 day'");
    }
  }

  private void remember(String searchId, String owner) {
    if (known.size() > LOCAL_ENTRIES) {
      known.clear();
    }
    known.computeIfAbsent(searchId, id -> ConcurrentHashMap.newKeySet()).add(owner);
  }

  /** Who may fetch the pages: everything that changes what the requester may see. */
  static String fingerprint(Requester requester) {
    String canonical =
        String.join(
            "\n",
            requester.kind().name(),
            requester.subject(),
            String.valueOf(requester.patientId()),
            requester.purposeOfUse(),
            String.valueOf(requester.organization()),
            String.valueOf(requester.fhirUser()),
            String.valueOf(requester.clientId()),
            String.join(" ", new TreeSet<>(requester.scopes())),
            String.join(" ", new TreeSet<>(requester.actorReferences())));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
