/** The Spring Boot application that runs Consentry's FHIR server; one package per feature. */
package org.consentry.server;
