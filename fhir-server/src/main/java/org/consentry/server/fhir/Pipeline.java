package org.consentry.server.fhir;

/**
 * The order of the request pipeline, in one place. A FHIR request passes, in this order:
 *
 * <ol>
 *   <li>servlet filters: the access token becomes a {@code Requester} (401/403/503 otherwise), then
 *       the request guard (body size, XML declarations);
 *   <li>{@link #SYNC}: this node's caches catch up with what other nodes changed (Consents, data
 *       keys, sensitivity value sets, terminology), so the request decides as any node would; a
 *       terminology operation waits while this node rebuilds its index of code system concepts;
 *   <li>{@link #DOOR}: the allow-list of interactions, operations and parameters per requester
 *       kind; instance-level requests only for instances the requester may see; pages only for
 *       their requester; writes by id only to visible targets;
 *   <li>{@link #SCOPES}: the token's SMART scopes per interaction, and per stored resource;
 *   <li>{@link #NARROWING}: searches of patient/ scopes narrowed to the patient's compartment;
 *   <li>{@link #CONSENT_VIEW}: chains and {@code _has} resolved through what the requester may see,
 *       and the requester's consent view of the searched type added to the search, so that the
 *       database pages and counts only what consent lets through;
 *   <li>HAPI runs the interaction; writes pass labelling, then encryption (storage hooks), then
 *       {@link #BINARY_STORE}: a large Binary's content goes to the binary storage table; an
 *       update, patch or delete without {@code If-Match} that lost a race with another write of the
 *       same resource runs again ({@link ConcurrentWriteRetry}, on {@link #ANSWERS});
 *   <li>{@link #CONSENT}: the decision step for every resource that would leave the server (HAPI's
 *       consent hooks: scope and Consents), and {@link #CONSENT_RULES} for the request-level rules
 *       (conditional writes, Consent writers, emergency access); {@link #RESEARCH}: a researcher's
 *       export becomes its study's de-identified export, acting for that study, before the export
 *       rules and the job's requester are settled; {@link #WRITE_REFERENCES}: references in what
 *       non-system requesters write resolve only to what they may see; {@link #EXPORT_JOBS}: export
 *       kick-off rules, and jobs for their requester only;
 *   <li>{@link #EXPORT_FILES}: export files for their requester only;
 *   <li>{@link #AUDIT}: what is shown or written is recorded (BALP events), with the consent
 *       decisions made by patients' Consents and emergency accesses at the end of the request;
 *   <li>{@link #BINARY_SHOW}: the content of a Binary that is shown is read back from the binary
 *       storage table;
 *   <li>{@link #DECRYPTION}: decryption of what will be shown, after consent;
 *   <li>{@link #ANSWERS}: errors and batch entries answered so that hidden looks absent, and no
 *       internal text leaves the server.
 * </ol>
 *
 * Interceptor beans carry these numbers in {@code @Order}; the server registers them in that order.
 */
public final class Pipeline {

  public static final int SYNC = -10;
  public static final int DOOR = 0;
  public static final int SCOPES = 10;
  public static final int NARROWING = 20;
  public static final int CONSENT_VIEW = 25;
  public static final int CONSENT = 30;
  public static final int RESEARCH = 35;
  public static final int CONSENT_RULES = 40;
  public static final int EXPORT_JOBS = 42;
  public static final int WRITE_REFERENCES = 45;
  public static final int EXPORT_FILES = 50;
  public static final int BINARY_STORE = 200;
  public static final int AUDIT = 900;
  public static final int BINARY_SHOW = 950;
  public static final int DECRYPTION = 1000;
  public static final int ANSWERS = 2000;

  private Pipeline() {}
}
