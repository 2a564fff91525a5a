package org.consentry.server.research;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/**
 * A fresh population for one research test: ten patients with names, SSNs, MRNs, addresses, phones
 * and e-mails, each with an Observation (performed by a Practitioner, two dated a known interval
 * apart) and a mental-health Condition (SNOMED 73595000, labelled PSY), the Group of all ten, and
 * helpers to write studies. Everything identifying that it writes is remembered, to be searched for
 * in the export.
 */
final class ResearchPopulation {

  static final String SNOMED = "http://snomed.info/sct";
  static final String MARKER_SYSTEM = "http://example.org/cohort-marker";

  final List<String> patients = new ArrayList<>();
  final List<String> conditions = new ArrayList<>();
  final Set<String> identifying = new TreeSet<>();
  final String groupId;
  private final IGenericClient ehr;
  private final String tag = UUID.randomUUID().toString().substring(0, 8);

  ResearchPopulation(IGenericClient ehr) {
    this.ehr = ehr;
    Practitioner doctor = new Practitioner();
    doctor.addName().setFamily("Drhouse" + tag);
    String doctorId = create(doctor);
    identifying.add("Drhouse" + tag);
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
    for (int i = 0; i < 10; i++) {
      Patient patient = new Patient();
      String family = "Fam" + tag + "x" + i;
      String ssn = String.format("999-%02d-%04d", i, 4321 + i);
      String mrn = "MRN" + tag + i;
      String street = (100 + i) + " Elmstreet" + tag + " Road";
      String city = "Cityof" + tag;
      String phone = String.format("555-01%d-20%02d", i, i);
      String email = "fam" + i + "." + tag + "@example.org";
      patient.addName().setFamily(family).addGiven("Given" + tag);
      patient.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue(ssn);
      patient.addIdentifier().setSystem("http://hospital.example.org/mrn").setValue(mrn);
      patient.addAddress().addLine(street).setCity(city).setState("MA").setPostalCode("0213" + i);
      patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
      patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
      patient.setGender(
          i % 2 == 0
              ? Enumerations.AdministrativeGender.FEMALE
              : Enumerations.AdministrativeGender.MALE);
      patient.setBirthDateElement(new DateType(String.format("19%02d-03-%02d", 50 + i, 10 + i)));
      String id = create(patient);
      patients.add(id);
      identifying.addAll(List.of(family, ssn, mrn, "Elmstreet" + tag, city, phone, email, id));
      identifying.add(String.format("19%02d-03-%02d", 50 + i, 10 + i));
      group.addMember().setEntity(new Reference("Patient/" + id));

      for (String when : List.of("2024-05-01T08:30:00Z", "2024-05-11T20:45:00Z")) {
        Observation heartRate = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        heartRate.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        heartRate.setSubject(new Reference("Patient/" + id));
        heartRate.addPerformer(new Reference("Practitioner/" + doctorId));
        heartRate.setEffective(new org.hl7.fhir.r4.model.DateTimeType(when));
        create(heartRate);
      }
      Condition stress = new Condition();
      stress.getCode().addCoding().setSystem(SNOMED).setCode("73595000");
      stress.setSubject(new Reference("Patient/" + id));
      String stressId = create(stress);
      conditions.add(stressId);
      // a ServiceRequest, since ImportIT counts the server's Procedures
      ServiceRequest colonoscopy = new ServiceRequest();
      colonoscopy.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
      colonoscopy.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
      colonoscopy.getCode().addCoding().setSystem(SNOMED).setCode("73761001");
      colonoscopy.setSubject(new Reference("Patient/" + id));
      colonoscopy.addReasonReference(new Reference("Condition/" + stressId));
      create(colonoscopy);
      if (i < 4) {
        Condition marker = new Condition();
        marker.getCode().addCoding().setSystem(MARKER_SYSTEM).setCode(tag);
        marker.setSubject(new Reference("Patient/" + id));
        create(marker);
      }
    }
    groupId = create(group);
  }

  /** A Group by criteria: the patients with this population's marker Condition (the first 4). */
  String criteriaGroup() {
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(false);
    group.addExtension(
        Cohort.CRITERIA, new StringType("Condition?code=" + MARKER_SYSTEM + "|" + tag));
    return create(group);
  }

  /** An active study of the cohort, naming the researcher, with the profile and k given. */
  String study(String researcher, String profile, int k) {
    return study(researcher, profile, k, groupId);
  }

  /** An active study of a cohort Group, naming the researcher, with the profile and k given. */
  String study(String researcher, String profile, int k, String cohortGroupId) {
    ResearchStudy study = new ResearchStudy();
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.setTitle("Study " + tag);
    study.addEnrollment(new Reference("Group/" + cohortGroupId));
    study.addExtension(Study.PROFILE, new org.hl7.fhir.r4.model.CodeType(profile));
    study.addExtension(Study.K_ANONYMITY, new org.hl7.fhir.r4.model.IntegerType(k));
    study.addExtension(Study.RESEARCHER, new StringType(researcher));
    return create(study);
  }

  private String create(org.hl7.fhir.r4.model.Resource resource) {
    return ((IdType) ehr.create().resource(resource).execute().getId()).getIdPart();
  }
}
