package org.consentry.server.door;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import javax.sql.DataSource;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.fhir.Pipeline;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The door of the FHIR API: the allow-list ({@link ApiSurface}) enforced before HAPI runs, the
 * instance and page checks that make hidden look absent, the one not-found answer, and the
 * CapabilityStatement trimmed to the list.
 */
@Configuration(proxyBeanMethods = false)
class DoorConfig {

  @Bean
  Instances doorInstances(DaoRegistry daos, ReadDecision decision) {
    return new Instances(daos, decision);
  }

  @Bean
  PageOwners pageOwners(DataSource dataSource) {
    return new PageOwners(dataSource);
  }

  @Bean
  @Order(Pipeline.DOOR)
  ApiDoor apiDoor(
      ISearchParamRegistry registry, Instances instances, PageOwners pages, FhirContext fhir) {
    return new ApiDoor(new SearchParameters(registry), instances, pages, new PatchBodies(fhir));
  }

  @Bean
  @Order(Pipeline.DOOR)
  WriteTargets writeTargets(Instances instances) {
    return new WriteTargets(instances);
  }

  @Bean
  @Order(Pipeline.ANSWERS)
  HiddenAsAbsent hiddenAsAbsent(Instances instances) {
    return new HiddenAsAbsent(instances);
  }

  @Bean
  @Order(Pipeline.ANSWERS)
  ValidationOutcomes validationOutcomes() {
    return new ValidationOutcomes();
  }

  @Bean
  @Order(Pipeline.ANSWERS)
  CapabilitySurface capabilitySurface() {
    return new CapabilitySurface();
  }
}
