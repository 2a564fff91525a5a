package org.consentry.cli.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a bulk-data NDJSON file ({@code .ndjson}, or {@code .ndjson.gz}) line by line: UTF-8, a
 * leading byte-order mark ignored, blank lines skipped, line numbers 1-based as an editor shows
 * them.
 */
final class NdjsonFile {

  /** Receives each non-blank line. */
  interface LineVisitor {
    void visit(int lineNumber, String text);
  }

  private NdjsonFile() {}

  static boolean isNdjson(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".ndjson") || name.endsWith(".ndjson.gz");
  }

  static void forEachLine(Path file, LineVisitor visitor) {
    try (BufferedReader reader = open(file)) {
      int number = 0;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        number++;
        if (number == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        if (!text.isBlank()) {
          visitor.visit(number, text);
        }
      }
    } catch (IOException e) {
      throw new ImportException("cannot read " + file + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new ImportException("cannot read " + file + ": " + e.getCause().getMessage());
    }
  }

  /** The first non-blank line, or null for a file without one. */
  static String firstLine(Path file) {
    try (BufferedReader reader = open(file)) {
      boolean first = true;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        if (first && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        first = false;
        if (!text.isBlank()) {
          return text;
        }
      }
      return null;
    } catch (IOException e) {
      throw new ImportException("cannot read " + file + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new ImportException("cannot read " + file + ": " + e.getCause().getMessage());
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 64 * 1024);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 256 * 1024);
  }
}
