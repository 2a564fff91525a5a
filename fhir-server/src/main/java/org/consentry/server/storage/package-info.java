/**
 * Which database the server stores FHIR data in: an embedded PostgreSQL by default, or a configured
 * one.
 */
package org.consentry.server.storage;
