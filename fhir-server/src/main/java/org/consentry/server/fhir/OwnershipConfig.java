package org.consentry.server.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Lets {@link PatientCompartment} follow a Binary's security context to the resource it names. */
@Configuration(proxyBeanMethods = false)
class OwnershipConfig {

	@Bean
	ServerReader serverReader(DaoRegistry daos, PatientCompartment compartment) {
		ServerReader reader = new ServerReader(daos);
		compartment.readReferencesWith(reader);
		return reader;
	}
}
