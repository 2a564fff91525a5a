/**
 * The {@code consentry} command line (plain Java, no Spring): {@link
 * org.consentry.cli.ConsentryCli} dispatches subcommands, and {@link
 * org.consentry.cli.imports.Importer} loads NDJSON and Bundle files into a running server.
 */
package org.consentry.cli;
