package org.consentry.server.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * A patient's access report: the events of their trail grouped by who, what kind of access and
 * purpose, each group said in plain words ("Dr Jane Smith (Good Health Clinic) read 3 Observations,
 * last on 28 Nov 2026 at 14:05 UTC, for treatment"). Emergency accesses, research disclosures and
 * attempts their consent blocked are their own groups, flagged. The patient's own use of their
 * record is left out: the report says who else saw it.
 */
final class AccessReport {

  /** How a group of accesses is flagged for the reader. */
  enum Flag {
    ACCESS,
    CHANGE,
    EMERGENCY,
    RESEARCH,
    DISCLOSURE,
    BLOCKED
  }

  /** One group: who, how, why, how often, when last, and the sentence that says it. */
  record Group(
      Flag flag,
      String who,
      String organization,
      String agent,
      String purpose,
      String verb,
      Map<String, Integer> types,
      int count,
      Instant first,
      Instant last,
      String sentence) {}

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMM yyyy 'at' HH:mm 'UTC'", java.util.Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private final Function<String, String> names;

  /**
   * @param names the display name of a reference such as {@code Practitioner/7} or {@code
   *     Organization/3}, or null when unknown
   */
  AccessReport(Function<String, String> names) {
    this.names = names;
  }

  /** The groups of the events (newest group first), the patient's own accesses left out. */
  List<Group> groups(String patientId, List<Stored> events) {
    Map<String, Builder> groups = new LinkedHashMap<>();
    for (Stored stored : events) {
      AuditEvent event = stored.event();
      AuditEventAgentComponent user = requestor(event);
      String agent = user == null ? "" : agentKey(user.getWho());
      if (agent.equals("Patient/" + patientId)) {
        continue;
      }
      if (AuditTrail.AUTHZ_CONSENT.equals(stored.kind())
          && event.getOutcome() == AuditEvent.AuditEventOutcome._0) {
        continue; // a permit by their consent: the access it allowed is its own entry
      }
      Flag flag = flag(stored.kind(), event);
      String purpose = purpose(event, user);
      String organization = organization(event);
      String verb = verb(stored.kind(), event);
      String key = flag + "|" + agent + "|" + organization + "|" + purpose + "|" + verb;
      Builder group =
          groups.computeIfAbsent(
              key,
              k ->
                  new Builder(
                      flag, who(user), organizationName(organization), agent, purpose, verb));
      group.add(stored.recorded(), dataTypes(event));
    }
    List<Group> out = new ArrayList<>();
    groups.values().forEach(b -> out.add(b.build()));
    out.sort((a, b) -> b.last().compareTo(a.last()));
    return out;
  }

  /** One paragraph over all groups. */
  static String summary(List<Group> groups) {
    // an attempt their consent blocked saw nothing: its requester did not access the record
    long people =
        groups.stream().filter(g -> g.flag() != Flag.BLOCKED).map(Group::agent).distinct().count();
    long emergencies = groups.stream().filter(g -> g.flag() == Flag.EMERGENCY).count();
    long blocked =
        groups.stream().filter(g -> g.flag() == Flag.BLOCKED).mapToInt(Group::count).sum();
    long research = groups.stream().filter(g -> g.flag() == Flag.RESEARCH).count();
    StringBuilder text = new StringBuilder();
    if (people == 0) {
      text.append("Nobody else has accessed your record in this period.");
    } else {
      text.append(people == 1 ? "1 person or organization" : people + " people or organizations")
          .append(" accessed your record.");
    }
    if (emergencies > 0) {
      text.append(" Emergency access was used (")
          .append(emergencies)
          .append(emergencies == 1 ? " case" : " cases")
          .append("): see below.");
    }
    if (research > 0) {
      text.append(" Your de-identified data was disclosed to research.");
    }
    if (blocked > 0) {
      text.append(" Your consent blocked ")
          .append(blocked)
          .append(blocked == 1 ? " attempt" : " attempts")
          .append(" to see your data.");
    }
    return text.toString();
  }

  private Flag flag(String kind, AuditEvent event) {
    return switch (kind) {
      case AuditTrail.EMERGENCY -> Flag.EMERGENCY;
      case AuditTrail.RESEARCH_DISCLOSURE -> Flag.RESEARCH;
      case AuditTrail.DISCLOSURE -> Flag.DISCLOSURE;
      case AuditTrail.AUTHZ_CONSENT ->
          event.getOutcome() == AuditEvent.AuditEventOutcome._0 ? Flag.ACCESS : Flag.BLOCKED;
      case AuditTrail.CREATE,
          AuditTrail.UPDATE,
          AuditTrail.DELETE,
          AuditTrail.CONSENT_CHANGE,
          AuditTrail.ERASURE ->
          Flag.CHANGE;
      default -> Flag.ACCESS;
    };
  }

  private static String verb(String kind, AuditEvent event) {
    return switch (kind) {
      case AuditTrail.READ -> "read";
      case AuditTrail.QUERY, AuditTrail.OPERATION -> "searched";
      case AuditTrail.CREATE -> "added";
      case AuditTrail.UPDATE -> "changed";
      case AuditTrail.DELETE -> "deleted";
      case AuditTrail.CONSENT_CHANGE -> "recorded a change of consent in";
      case AuditTrail.EMERGENCY -> "used emergency access to open";
      case AuditTrail.RESEARCH_DISCLOSURE -> "received de-identified data from";
      case AuditTrail.DISCLOSURE -> "exported";
      case AuditTrail.ERASURE -> "erased";
      case AuditTrail.AUTHZ_CONSENT ->
          event.getOutcome() == AuditEvent.AuditEventOutcome._0
              ? "was allowed by your consent to see"
              : "was blocked by your consent from seeing";
      default -> kind;
    };
  }

  private static AuditEventAgentComponent requestor(AuditEvent event) {
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (agent.getRequestor()) {
        return agent;
      }
    }
    return null;
  }

  private static String agentKey(Reference who) {
    if (who.hasReference()) {
      return who.getReference();
    }
    if (who.hasIdentifier() && who.getIdentifier().hasValue()) {
      return who.getIdentifier().getValue();
    }
    return who.hasDisplay() ? who.getDisplay() : "unknown";
  }

  private String who(AuditEventAgentComponent user) {
    if (user == null) {
      return "Someone";
    }
    Reference who = user.getWho();
    if (who.hasReference()) {
      String name = names.apply(who.getReference());
      if (name != null) {
        return name;
      }
    }
    if (who.hasDisplay()) {
      return who.getDisplay();
    }
    return who.hasReference() ? who.getReference() : agentKey(who);
  }

  private static String organization(AuditEvent event) {
    for (AuditEventAgentComponent agent : event.getAgent()) {
      for (Coding coding : agent.getType().getCoding()) {
        if ("PROV".equals(coding.getCode()) && agent.getWho().hasReference()) {
          return agent.getWho().getReference();
        }
      }
    }
    return "";
  }

  private String organizationName(String reference) {
    if (reference.isEmpty()) {
      return "";
    }
    String name = names.apply(reference);
    return name == null ? reference : name;
  }

  private static String purpose(AuditEvent event, AuditEventAgentComponent user) {
    List<CodeableConcept> concepts = new ArrayList<>(event.getPurposeOfEvent());
    if (user != null) {
      concepts.addAll(user.getPurposeOfUse());
    }
    for (CodeableConcept concept : concepts) {
      for (Coding coding : concept.getCoding()) {
        if (ACT_REASON.equals(coding.getSystem()) && coding.hasCode()) {
          return coding.getCode();
        }
      }
    }
    return "";
  }

  private static List<String> dataTypes(AuditEvent event) {
    List<String> types = new ArrayList<>();
    for (AuditEventEntityComponent entity : event.getEntity()) {
      boolean data = "4".equals(entity.getRole().getCode());
      if (data && entity.getWhat().hasReference()) {
        String reference = entity.getWhat().getReference();
        int slash = reference.indexOf('/');
        if (slash > 0) {
          types.add(reference.substring(0, slash));
        }
      }
    }
    return types;
  }

  static String purposeWords(String code) {
    return switch (code) {
      case "TREAT" -> "for treatment";
      case "ETREAT" -> "for emergency treatment";
      case "HRESCH" -> "for research";
      case "HPAYMT" -> "for payment";
      case "HOPERAT" -> "for healthcare operations";
      case "PUBHLTH" -> "for public health";
      case "PATRQT" -> "at your request";
      case "" -> "";
      default -> "for purpose " + code;
    };
  }

  /** A stored event as the report reads it. */
  record Stored(Instant recorded, String kind, AuditEvent event) {}

  private static final class Builder {
    private final Flag flag;
    private final String who;
    private final String organization;
    private final String agent;
    private final String purpose;
    private final String verb;
    private final Map<String, Integer> types = new TreeMap<>();
    private int count;
    private Instant first;
    private Instant last;

    Builder(Flag flag, String who, String organization, String agent, String purpose, String verb) {
      this.flag = flag;
      this.who = who;
      this.organization = organization;
      this.agent = agent;
      this.purpose = purpose;
      this.verb = verb;
    }

    void add(Instant recorded, List<String> dataTypes) {
      count++;
      first = first == null || recorded.isBefore(first) ? recorded : first;
      last = last == null || recorded.isAfter(last) ? recorded : last;
      dataTypes.forEach(t -> types.merge(t, 1, Integer::sum));
    }

    Group build() {
      StringBuilder text = new StringBuilder();
      if (flag == Flag.EMERGENCY) {
        text.append("EMERGENCY ACCESS: ");
      }
      text.append(who);
      if (!organization.isEmpty()) {
        text.append(" (").append(organization).append(")");
      }
      text.append(" ").append(verb).append(" ");
      text.append(types.isEmpty() ? "your record" : what());
      text.append(count == 1 ? ", once" : ", " + count + " times");
      text.append(", last on ").append(WHEN.format(last));
      String why = purposeWords(purpose);
      if (!why.isEmpty() && flag != Flag.BLOCKED) {
        text.append(", ").append(why);
      }
      text.append(".");
      return new Group(
          flag,
          who,
          organization,
          agent,
          purpose,
          verb,
          Map.copyOf(types),
          count,
          first,
          last,
          text.toString());
    }

    private String what() {
      List<String> parts = new ArrayList<>();
      types.forEach((type, n) -> parts.add(n + " " + type + (n == 1 ? "" : "s")));
      return String.join(", ", parts);
    }
  }
}
