/**
 * Backup and restore of a Consentry home (plain Java: JDBC and java.nio): {@link
 * org.consentry.server.cli.backup.OnlineCopy} copies a running embedded PostgreSQL through its
 * low-level backup API, {@link org.consentry.server.cli.backup.HomeBackup} adds the master keystore
 * and the manifest, {@link org.consentry.server.cli.backup.HomeRestore} checks and places a backup
 * in a new home and replays its WAL.
 */
package org.consentry.cli.backup;
