package org.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.cli.imports.ResourceJson;

/**
 * The folder a research export is saved into. Every file is written under a temporary hidden name
 * ({@code .NAME.*.part}) and renamed when the whole export has arrived, {@code manifest.json} last:
 * a folder with a manifest holds a complete export, and an interrupted one leaves no half file
 * under a final name. Local write errors are {@link UncheckedIOException}s.
 */
final class ResearchFolder implements AutoCloseable {

  static final String MANIFEST = "manifest.json";
  static final String RISK_REPORT = "risk-report.txt";
  static final String REPRESENTATIVENESS_REPORT = "representativeness-report.txt";

  private final Path dir;
  private final boolean created;
  private final boolean replacing;
  private final Set<String> earlierFiles;
  private final List<Part> parts = new ArrayList<>();

  private ResearchFolder(Path dir, boolean created, boolean replacing, Set<String> earlierFiles) {
    this.dir = dir;
    this.created = created;
    this.replacing = replacing;
    this.earlierFiles = earlierFiles;
  }

  /**
   * Creates {@code dir} if missing. A folder that already holds an export, or export files without
   * a manifest (an interrupted copy, files put there by hand), is refused unless {@code overwrite};
   * then the earlier files ({@code *.ndjson}, the reports) are replaced, and those the new export
   * does not have are deleted. Other files are left alone.
   */
  static ResearchFolder open(Path dir, boolean overwrite) {
    Path manifest = dir.resolve(MANIFEST);
    boolean exported = Files.exists(manifest);
    if (exported && !overwrite) {
      throw new ResearchExport.Failure(
          ConsentryCli.CANNOT_RUN,
          dir
              + " already holds an export ("
              + MANIFEST
              + "): pass --overwrite to replace it, or choose another folder");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ResearchExport.Failure(ConsentryCli.CANNOT_RUN, dir + " is a file, not a folder");
    }
    Set<String> exportFiles = exportFilesIn(dir);
    if (!exported && !exportFiles.isEmpty() && !overwrite) {
      throw new ResearchExport.Failure(
          ConsentryCli.CANNOT_RUN,
          dir
              + " holds export files without a manifest ("
              + exportFiles.iterator().next()
              + (exportFiles.size() > 1 ? ", ..." : "")
              + "): pass --overwrite to replace them, or choose another folder");
    }
    try {
      boolean created = !Files.exists(dir);
      Files.createDirectories(dir);
      Set<String> earlier = new LinkedHashSet<>(exportFiles);
      if (exported) {
        earlier.addAll(filesOf(manifest));
      }
      return new ResearchFolder(dir, created, !earlier.isEmpty(), earlier);
    } catch (IOException e) {
      throw new ResearchExport.Failure(
          ConsentryCli.CANNOT_RUN, "cannot create the folder " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The files in {@code dir} that an export writes: {@code *.ndjson} and the two reports (none if
   * the folder does not exist or cannot be listed).
   */
  private static Set<String> exportFilesIn(Path dir) {
    Set<String> names = new java.util.TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      files
          .filter(Files::isRegularFile)
          .map(file -> file.getFileName().toString())
          .filter(
              name ->
                  name.endsWith(".ndjson")
                      || RISK_REPORT.equals(name)
                      || REPRESENTATIVENESS_REPORT.equals(name))
          .forEach(names::add);
    } catch (IOException e) {
      // unreadable: the writes that follow say so
    }
    return names;
  }

  /** The file names an export saved with this manifest: one per output type, and the reports. */
  static Set<String> filesOf(JsonNode manifest) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode output : manifest.path("output")) {
      String type = output.path("type").asText();
      if (ResourceJson.TYPE.matcher(type).matches()) {
        names.add(ndjson(type));
      }
    }
    names.add(RISK_REPORT);
    names.add(REPRESENTATIVENESS_REPORT);
    return names;
  }

  static String ndjson(String type) {
    return type + ".ndjson";
  }

  private static Set<String> filesOf(Path manifest) {
    try {
      return filesOf(ResourceJson.parse(Files.readString(manifest)));
    } catch (IOException | ResourceJson.MalformedException e) {
      return Set.of(RISK_REPORT, REPRESENTATIVENESS_REPORT);
    }
  }

  Path dir() {
    return dir;
  }

  /** A new file under a temporary name, to be renamed to {@code name} by {@link #commit}. */
  Part part(String name) {
    try {
      Path temp = Files.createTempFile(dir, "." + name + ".", ".part");
      Part part = new Part(name, temp, new BufferedOutputStream(Files.newOutputStream(temp)));
      parts.add(part);
      return part;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A text file, written now under a temporary name and renamed by {@link #commit}. */
  void text(String name, String text) {
    Part part = part(name);
    part.write(text.getBytes(StandardCharsets.UTF_8));
    if (!text.endsWith("\n")) {
      part.write(new byte[] {'\n'});
    }
  }

  /**
   * Renames every file to its final name, in the order they were begun ({@code manifest.json}
   * should be the last), then deletes the earlier export's files that this one does not have.
   */
  void commit() {
    try {
      if (replacing) {
        Files.deleteIfExists(dir.resolve(MANIFEST));
      }
      Set<String> written = new LinkedHashSet<>();
      for (Part part : parts) {
        part.out.close();
        Files.move(
            part.temp,
            dir.resolve(part.name),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        part.committed = true;
        written.add(part.name);
      }
      for (String name : earlierFiles) {
        if (!written.contains(name)) {
          Files.deleteIfExists(dir.resolve(name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes what was not committed, and the folder if it was created for nothing. */
  @Override
  public void close() {
    boolean committed = !parts.isEmpty() && parts.get(parts.size() - 1).committed;
    for (Part part : parts) {
      if (!part.committed) {
        try {
          part.out.close();
          Files.deleteIfExists(part.temp);
        } catch (IOException e) {
          // the .part file stays behind; it is hidden and named as incomplete
        }
      }
    }
    if (created && !committed) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // not empty after all: left as it is
      }
    }
  }

  /** One file being written. */
  static final class Part {
    private final String name;
    private final Path temp;
    private final OutputStream out;
    private long lines;
    private boolean endsWithNewline = true;
    private boolean committed;

    private Part(String name, Path temp, OutputStream out) {
      this.name = name;
      this.temp = temp;
      this.out = out;
    }

    /** Lines with content written so far. */
    long lines() {
      return lines;
    }

    /**
     * Appends an NDJSON body, counting its non-blank lines and ending it with a newline so that the
     * next body starts on a line of its own. IOExceptions are from reading {@code body}.
     */
    void append(InputStream body) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      boolean content = false;
      int n;
      while ((n = body.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n') {
            lines += content ? 1 : 0;
            content = false;
          } else if (b != ' ' && b != '\t' && b != '\r') {
            content = true;
          }
        }
        write(buffer, 0, n);
      }
      lines += content ? 1 : 0;
      if (!endsWithNewline) {
        write(new byte[] {'\n'});
      }
    }

    private void write(byte[] bytes) {
      write(bytes, 0, bytes.length);
    }

    private void write(byte[] bytes, int offset, int length) {
      if (length == 0) {
        return;
      }
      try {
        out.write(bytes, offset, length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      endsWithNewline = bytes[offset + length - 1] == '\n';
    }
  }
}
