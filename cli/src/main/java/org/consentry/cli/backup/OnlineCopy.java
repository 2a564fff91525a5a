package org.consentry.cli.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An online physical copy of a running PostgreSQL (15 or newer) through its low-level backup API,
 * for a server whose data folder this process can read (the embedded database): a temporary
 * replication slot keeps the WAL the copy needs, {@code pg_backup_start} forces full-page writes,
 * the data folder is copied while the server runs and writes, {@code pg_backup_stop} returns the
 * backup label, and the WAL from the start to the end of the backup is copied last. PostgreSQL
 * replays that WAL on the copy's first start and reaches a consistent state at least as new as the
 * end of the backup. The same procedure as {@code pg_basebackup}, which the embedded binaries lack.
 */
public final class OnlineCopy {

  /** Folders whose contents PostgreSQL rebuilds at start (as {@code pg_basebackup} skips them). */
  private static final Set<String> EMPTIED =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_stat_tmp",
          "pg_subtrans");

  /** Files of the running server, or of zonky's folder lock, never part of a copy. */
  private static final Set<String> SKIPPED =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "backup_label",
          "backup_label.old",
          "tablespace_map",
          "tablespace_map.old",
          "epg-lock",
          "pg_internal.init");

  private static final Pattern WAL_FILE = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern START_FILE =
      Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");

  /** What was copied: every file with its size and SHA-256, and where the WAL starts and ends. */
  public record Result(
      Map<String, FileDigest> files, String startWal, String stopWal, String stopLsn) {}

  /** A copied file's size and SHA-256 (hex). */
  public record FileDigest(long size, String sha256) {}

  private final Connection connection;
  private final Path dataDir;

  /**
   * @param connection a superuser connection to the server whose files are in {@code dataDir}; the
   *     backup belongs to this session, so it must stay open until {@link #copyTo} returns
   * @param dataDir the server's data folder
   */
  public OnlineCopy(Connection connection, Path dataDir) {
    this.connection = connection;
    this.dataDir = dataDir;
  }

  /** Copies the running database into {@code target}, which must not exist. */
  public Result copyTo(Path target, String label) throws SQLException, IOException {
    Files.createDirectory(
        target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    String slot = "consentry_backup_" + ProcessHandle.current().pid();
    Map<String, FileDigest> files = new TreeMap<>();
    try (Statement st = connection.createStatement()) {
      // temporary: dropped when this session ends, even if the backup fails half-way
      st.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true, true)");
      try {
        try (PreparedStatement start =
            connection.prepareStatement("SELECT pg_backup_start(?, true)")) {
          start.setString(1, label);
          start.execute();
        }
        String labelFile;
        String spcMap;
        String stopLsn;
        String stopWal;
        try {
          copyTree(dataDir, target, "", files);
        } finally {
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT lsn::text, labelfile, spcmapfile, pg_walfile_name(lsn)"
                      + " FROM pg_backup_stop(false)")) {
            rs.next();
            stopLsn = rs.getString(1);
            labelFile = rs.getString(2);
            spcMap = rs.getString(3);
            stopWal = rs.getString(4);
          }
        }
        write(target, "backup_label", labelFile, files);
        if (spcMap != null && !spcMap.isEmpty()) {
          write(target, "tablespace_map", spcMap, files);
        }
        Matcher m = START_FILE.matcher(labelFile);
        if (!m.find()) {
          throw new IOException("PostgreSQL's backup label has no start WAL file: " + labelFile);
        }
        String startWal = m.group(1);
        copyWal(target, startWal, stopWal, files);
        return new Result(files, startWal, stopWal, stopLsn);
      } finally {
        dropSlot(st, slot);
      }
    }
  }

  private static void dropSlot(Statement st, String slot) {
    try {
      st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    } catch (SQLException e) {
      // temporary: PostgreSQL drops it anyway when the session ends
    }
  }

  private void copyTree(Path from, Path to, String relative, Map<String, FileDigest> files)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(from)) {
      dir.forEach(children::add);
    } catch (NoSuchFileException e) {
      return; // a folder removed while copying (a dropped database): WAL replay removes it too
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      String rel = relative.isEmpty() ? name : relative + "/" + name;
      if (SKIPPED.contains(name) || name.startsWith("pgsql_tmp")) {
        continue;
      }
      if (Files.isDirectory(child)) {
        Files.createDirectories(to.resolve(name));
        if (!(relative.isEmpty() && EMPTIED.contains(name))) {
          copyTree(child, to.resolve(name), rel, files);
        } else if (name.equals("pg_wal")) {
          Files.createDirectories(to.resolve(name).resolve("archive_status"));
          Files.createDirectories(to.resolve(name).resolve("summaries"));
        }
      } else if (Files.isRegularFile(child)) {
        FileDigest digest = copyFile(child, to.resolve(name));
        if (digest != null) {
          files.put(rel, digest);
        }
      }
    }
  }

  /** The WAL segments from the backup's start to its end, kept by the slot, and history files. */
  private void copyWal(Path target, String startWal, String stopWal, Map<String, FileDigest> files)
      throws IOException {
    Path wal = dataDir.resolve("pg_wal");
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(wal)) {
      dir.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    boolean stopSeen = false;
    for (String name : names) {
      boolean segment =
          WAL_FILE.matcher(name).matches()
              && name.substring(0, 8).equals(stopWal.substring(0, 8))
              && name.compareTo(startWal) >= 0
              && name.compareTo(stopWal) <= 0;
      if (segment || name.endsWith(".history")) {
        FileDigest digest = copyFile(wal.resolve(name), target.resolve("pg_wal").resolve(name));
        if (digest == null && segment) {
          throw new IOException("WAL segment " + name + " vanished during the backup");
        }
        files.put("pg_wal/" + name, digest);
        stopSeen |= name.equals(stopWal);
      }
    }
    if (!stopSeen) {
      throw new IOException("the backup's last WAL segment " + stopWal + " is missing");
    }
  }

  private static void write(Path target, String name, String text, Map<String, FileDigest> files)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Files.write(target.resolve(name), bytes);
    files.put(name, new FileDigest(bytes.length, sha256(bytes)));
  }

  /** Copies one file, hashing what was written; null if it vanished (a dropped relation). */
  static FileDigest copyFile(Path from, Path to) throws IOException {
    MessageDigest sha = sha256();
    long size;
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(to), sha)) {
      size = in.transferTo(out);
    } catch (NoSuchFileException e) {
      if (e.getFile() != null && e.getFile().equals(to.toString())) {
        throw e;
      }
      Files.deleteIfExists(to);
      return null;
    }
    return new FileDigest(size, HexFormat.of().formatHex(sha.digest()));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SHA-256 of {@code bytes}, in hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }
}
