package org.consentry.server.research;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.crypto.DataKeyStore;
import org.consentry.deid.Deidentifier;
import org.consentry.deid.QuasiIdentifiers;
import org.consentry.deid.RepresentativenessReport;
import org.consentry.deid.RepresentativenessSettings;
import org.consentry.deid.RiskReport;
import org.consentry.deid.RiskSettings;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.fhir.ServerReader;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Prepares the research export of a study, at each run anew:
 *
 * <ol>
 *   <li>the eligible population: the cohort Group's members ({@link Cohort});
 *   <li>the consented cohort: each eligible patient whose Patient resource the study's research
 *       requester may see (research is opt-in: only a research Consent for all studies or for this
 *       one lets it through), leaving out patients whose data key was erased;
 *   <li>the two reports: re-identification risk (k-anonymity over age band, sex, ZIP3, race,
 *       ethnicity; records in classes below k suppressed) and representativeness (consented cohort
 *       against the eligible population);
 *   <li>a disclosure AuditEvent per released patient ({@link Disclosures});
 *   <li>the parameters of HAPI's Bulk Data export job: the released patients, acting as the
 *       research requester, so that the consent hook decides every resource for this study and
 *       {@link DeidentifyingHook} de-identifies what it lets through.
 * </ol>
 */
final class ResearchExports {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ResearchExports.class);

  /** A patient id that cannot exist, for a run that releases nobody (HAPI reads none as "all"). */
  static final String NOBODY = "consentry-research-nobody";

  private final ServerReader reader;
  private final Cohort cohort;
  private final ReadDecision decision;
  private final Plaintext plaintext;
  private final DataKeyStore keys;
  private final StudyKeys studyKeys;
  private final ResearchTypes types;
  private final Disclosures disclosures;
  private final Clock clock;

  ResearchExports(
      ServerReader reader,
      Cohort cohort,
      ReadDecision decision,
      Plaintext plaintext,
      DataKeyStore keys,
      StudyKeys studyKeys,
      ResearchTypes types,
      Disclosures disclosures,
      Clock clock) {
    this.reader = reader;
    this.cohort = cohort;
    this.decision = decision;
    this.plaintext = plaintext;
    this.keys = keys;
    this.studyKeys = studyKeys;
    this.types = types;
    this.disclosures = disclosures;
    this.clock = clock;
  }

  /** The requester a study's export acts as: the researcher, for research, for that study only. */
  static Requester forStudy(Requester researcher, Study study) {
    return new Requester(
        Requester.Kind.RESEARCHER,
        researcher.subject(),
        null,
        null,
        null,
        Set.of(study.reference()),
        researcher.scopes(),
        "HRESCH",
        researcher.clientId());
  }

  /**
   * Turns the export HAPI is about to start into the study's research export: decides the cohort
   * now, computes the reports, records the disclosures, and rewrites the job's parameters (the
   * released patients, the types, the stored {@link ResearchRun}); from here on the request acts as
   * the study's research requester, so the job that HAPI then starts decides for this study.
   *
   * @param requestedTypes the {@code _type} values, or empty for every type a research export holds
   */
  void prepare(
      ServletRequestDetails request,
      Requester researcher,
      Study study,
      List<String> requestedTypes,
      BulkExportJobParameters parameters) {
    long started = System.nanoTime();
    List<String> exported = types.select(requestedTypes);
    Requester research = forStudy(researcher, study);
    Set<String> eligible = cohort.eligible(study);
    Deidentifier deid = studyKeys.deidentifier(study.id(), study.profileName(), study.profile());

    SystemRequestDetails asResearch = new SystemRequestDetails();
    Requesters.setOnInternalRequest(asResearch, research);
    List<QuasiIdentifiers> eligibleQis = new ArrayList<>();
    Map<String, QuasiIdentifiers> consented = new LinkedHashMap<>();
    int erased = 0;
    Map<String, IBaseResource> stored =
        reader.readAll(eligible.stream().map(id -> new IdType("Patient", id)).toList());
    for (String id : eligible) {
      Patient patient = (Patient) stored.get("Patient/" + id);
      if (patient == null) {
        continue; // deleted or never written
      }
      boolean isErased = keys.isDestroyed(id);
      boolean permitted = !isErased && decision.maySee(asResearch, research, patient);
      plaintext.reveal(patient);
      QuasiIdentifiers qi = QuasiIdentifiers.of(patient, deid.pseudonym(id), clock);
      eligibleQis.add(qi);
      if (isErased) {
        erased++;
      } else if (permitted) {
        consented.put(id, qi);
      }
    }
    long decided = System.nanoTime();
    RiskReport risk = RiskReport.analyze(consented.values(), RiskSettings.withK(study.k()));
    RepresentativenessReport representativeness =
        RepresentativenessReport.compare(
            consented.values(), eligibleQis, RepresentativenessSettings.DEFAULTS);
    Set<String> suppressed = Set.copyOf(risk.suppressed());
    Set<String> released = new LinkedHashSet<>();
    consented.forEach(
        (id, qi) -> {
          if (!suppressed.contains(qi.patientKey())) {
            released.add(id);
          }
        });

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("study", study.reference());
    manifest.put("profile", study.profileName());
    manifest.put("k", study.k());
    ObjectNode figures = manifest.putObject("cohort");
    figures.put("eligible", eligibleQis.size());
    figures.put("consented", consented.size());
    figures.put("erased", erased);
    figures.put("suppressed", suppressed.size());
    figures.put("released", released.size());
    manifest.putArray("types").addAll(exported.stream().map(figures::textNode).toList());
    manifest.set("riskReport", JSON.valueToTree(risk));
    manifest.put("riskReportText", riskText(risk, consented.values(), study.k()));
    manifest.set("representativenessReport", JSON.valueToTree(representativeness));
    manifest.put("representativenessReportText", representativeness.toText());
    ResearchRun run =
        new ResearchRun(
            study.id(),
            research.subject(),
            research.scopes(),
            research.clientId(),
            study.profileName(),
            risk.level(),
            released,
            manifest);

    parameters.setExportStyle(BulkExportJobParameters.ExportStyle.PATIENT);
    parameters.setGroupId(null);
    parameters.setExpandMdm(false);
    parameters.setResourceTypes(exported);
    parameters.setFilters(new ArrayList<>());
    parameters.setPostFetchFilterUrls(new ArrayList<>());
    parameters.setSince(null);
    parameters.setOutputFormat("application/fhir+ndjson");
    parameters.setPatientIds(
        released.isEmpty() ? List.of("Patient/" + NOBODY) : run.patientReferences());
    run.storeIn(parameters);

    long prepared = System.nanoTime();
    disclosures.record(research, study, released);
    Requesters.actFor(request, research);
    log.info(
        "research export of {}: {} eligible, {} consented, {} released; cohort decided in {} ms,"
            + " reports in {} ms, disclosures recorded in {} ms",
        study.reference(),
        eligibleQis.size(),
        consented.size(),
        released.size(),
        (decided - started) / 1_000_000,
        (prepared - decided) / 1_000_000,
        (System.nanoTime() - prepared) / 1_000_000);
  }

  /**
   * The risk report's text; a study that sets k below the default is told what the default would
   * have released.
   */
  private static String riskText(RiskReport risk, Collection<QuasiIdentifiers> cohort, int k) {
    int usual = RiskSettings.DEFAULTS.k();
    if (k >= usual) {
      return risk.toText();
    }
    String atUsual =
        RiskReport.analyze(cohort, RiskSettings.DEFAULTS).toText().lines().findFirst().orElse("");
    return risk.toText()
        + "\n\nThis study sets k="
        + k
        + ", below the default of "
        + usual
        + ", so its records are less protected against re-identification. At k="
        + usual
        + ": "
        + atUsual
        + "\n";
  }
}
