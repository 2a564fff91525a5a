/** The HAPI FHIR JPA R4 server: persistence, REST endpoint, bulk export and request guards. */
package org.consentry.server.fhir;
