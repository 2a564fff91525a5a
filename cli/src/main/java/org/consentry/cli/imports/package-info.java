/**
 * Loading FHIR data into a running server: {@link org.consentry.cli.imports.Importer} reads NDJSON
 * and Bundle files and sends them as transaction Bundles over HTTP ({@link
 * org.consentry.cli.imports.HttpFhirSender}, shared with the commands that call the server's
 * operations).
 */
package org.consentry.cli.imports;
