/**
 * The {@code consentry} command line (plain Java, no Spring): {@link
 * org.consentry.server.cli.ConsentryCli} dispatches subcommands, and {@link
 * org.consentry.server.cli.Importer} loads NDJSON and Bundle files into a running server.
 */
package org.consentry.server.cli;
