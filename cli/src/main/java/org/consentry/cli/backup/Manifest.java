package org.consentry.cli.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code DIR/manifest.json} of a backup, written last so that its presence marks a complete backup,
 * and {@code DIR/database.sha256} (every copied file, in {@code sha256sum -c} format).
 *
 * @param format {@link #FORMAT}
 * @param createdAt when the backup ended (ISO-8601, UTC)
 * @param consentry the version of the command that wrote it
 * @param database what the database held just after the copy ended
 * @param walStart the first WAL segment the copy needs
 * @param walStop the last one
 * @param stopLsn where the backup ended: a restore is at least this new
 * @param keystoreSha256 SHA-256 of {@code DIR/keystore/master.bcfks}
 * @param passphraseIncluded always false: the passphrase is never in DIR
 */
public record Manifest(
    String format,
    String createdAt,
    String consentry,
    DatabaseFacts database,
    String walStart,
    String walStop,
    String stopLsn,
    String keystoreSha256,
    boolean passphraseIncluded) {

  public static final String FORMAT = "consentry-backup/1";
  public static final String FILE = "manifest.json";
  public static final String CHECKSUMS = "database.sha256";
  public static final String DATABASE = "database";
  public static final String KEYSTORE = "keystore/master.bcfks";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public void write(Path dir) throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, dir.resolve(FILE));
  }

  /** Reads {@code DIR/manifest.json}; an IOException names what is wrong. */
  public static Manifest read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no " + FILE + " in " + dir + ": not a Consentry backup, or one that did not finish");
    }
    Manifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new IOException(file + " is not readable: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(manifest.format())) {
      throw new IOException(
          file + " has format " + manifest.format() + "; this version reads " + FORMAT);
    }
    return manifest;
  }

  static void writeChecksums(Path dir, Map<String, OnlineCopy.FileDigest> files)
      throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(CHECKSUMS))) {
      for (Map.Entry<String, OnlineCopy.FileDigest> e : files.entrySet()) {
        out.write(e.getValue().sha256() + "  " + DATABASE + "/" + e.getKey() + "\n");
      }
    }
  }

  /** The database files and their SHA-256 as listed in {@code DIR/database.sha256}. */
  static Map<String, String> readChecksums(Path dir) throws IOException {
    Path file = dir.resolve(CHECKSUMS);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no " + CHECKSUMS + " in " + dir);
    }
    Map<String, String> files = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines) {
      int gap = line.indexOf("  " + DATABASE + "/");
      if (gap != 64) {
        throw new IOException(file + " has a malformed line: " + line);
      }
      files.put(line.substring(gap + 2 + DATABASE.length() + 1), line.substring(0, 64));
    }
    return files;
  }
}
