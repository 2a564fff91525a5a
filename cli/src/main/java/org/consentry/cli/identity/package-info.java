/**
 * Keycloak as the identity provider: the realm definition applied through the admin client, users
 * linked to FHIR, tokens for the command line.
 */
package org.consentry.cli.identity;
