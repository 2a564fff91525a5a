package org.consentry.server.fhir;

import java.util.Set;

/**
 * The resource types whose instances, when they belong to no patient, are public: anyone whose
 * scopes cover the type may read them. Every other resource that belongs to no patient (a Binary
 * without security context, a Bundle of no patient's data, an Observation without subject...) is
 * for system clients only: the server cannot tell whose data it is, so it does not guess that it is
 * nobody's. A Subscription is its subscriber's ({@code security.Subscribers}).
 *
 * <p>Why each group is here:
 *
 * <ul>
 *   <li>the directory of who and where (Organization, Practitioner, Location, Endpoint...): apps
 *       need it to show a record, and patients name these as actors in their Consents;
 *   <li>products and catalogues (Medication, Substance, device and specimen definitions...): what a
 *       record refers to, the same for every patient;
 *   <li>terminology and conformance (CodeSystem, ValueSet, StructureDefinition,
 *       CapabilityStatement...): what the server and its data mean;
 *   <li>definitions and knowledge (Questionnaire, PlanDefinition, Library, Measure, ResearchStudy,
 *       evidence...): the forms, protocols and studies that records are made from;
 *   <li>scheduling (Schedule, Slot): the availability patients book against;
 *   <li>teams, groups and equipment (CareTeam, Group, Device): listed although they are Patient
 *       compartment types, because one without a patient is a team, group of staff or piece of
 *       equipment (Consents name teams and groups as actors; Observations name devices). One that
 *       has a patient belongs to that patient and is governed by their consent like any record.
 * </ul>
 *
 * Left out on purpose: TestScript and TestReport (test tooling whose fixtures can be records),
 * DeviceMetric and Subscription (operational), OperationOutcome, and every type of clinical,
 * financial or workflow data.
 */
public final class DirectoryTypes {

  private static final Set<String> TYPES =
      Set.of(
          // who and where
          "Organization",
          "OrganizationAffiliation",
          "Practitioner",
          "PractitionerRole",
          "Location",
          "HealthcareService",
          "Endpoint",
          "InsurancePlan",
          // products and catalogues
          "Medication",
          "MedicationKnowledge",
          "Substance",
          "SubstanceNucleicAcid",
          "SubstancePolymer",
          "SubstanceProtein",
          "SubstanceReferenceInformation",
          "SubstanceSourceMaterial",
          "SubstanceSpecification",
          "MedicinalProduct",
          "MedicinalProductAuthorization",
          "MedicinalProductContraindication",
          "MedicinalProductIndication",
          "MedicinalProductIngredient",
          "MedicinalProductInteraction",
          "MedicinalProductManufactured",
          "MedicinalProductPackaged",
          "MedicinalProductPharmaceutical",
          "MedicinalProductUndesirableEffect",
          "DeviceDefinition",
          "CatalogEntry",
          "ObservationDefinition",
          "SpecimenDefinition",
          "ChargeItemDefinition",
          // terminology
          "CodeSystem",
          "ValueSet",
          "ConceptMap",
          "NamingSystem",
          "TerminologyCapabilities",
          // conformance
          "StructureDefinition",
          "StructureMap",
          "SearchParameter",
          "OperationDefinition",
          "CapabilityStatement",
          "CompartmentDefinition",
          "ImplementationGuide",
          "GraphDefinition",
          "MessageDefinition",
          "ExampleScenario",
          // definitions and knowledge
          "Questionnaire",
          "PlanDefinition",
          "ActivityDefinition",
          "Library",
          "Measure",
          "EventDefinition",
          "ResearchDefinition",
          "ResearchElementDefinition",
          "ResearchStudy",
          "Evidence",
          "EvidenceVariable",
          "EffectEvidenceSynthesis",
          "RiskEvidenceSynthesis",
          // scheduling
          "Schedule",
          "Slot",
          // teams, groups and equipment without a patient
          "CareTeam",
          "Group",
          "Device");

  private DirectoryTypes() {}

  /**
   * Whether an instance of this type that belongs to no patient is public to any requester the
   * scopes admit.
   */
  public static boolean contains(String resourceType) {
    return TYPES.contains(resourceType);
  }
}
