package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One data folder, copied once per ingest round with every id made new for that round, so that each
 * round inserts resources instead of updating the ones an earlier round loaded.
 *
 * <p>What is rewritten, through {@code UUID.nameUUIDFromBytes(salt + ":" + round + ":" + old)} (the
 * same old token always gives the same new one within a round, so references stay consistent):
 * every UUID-shaped token anywhere in the text (resource ids, {@code Type/uuid} and {@code
 * urn:uuid:} references, identifier values); and, by exact match, each non-UUID top-level resource
 * id and each non-UUID value of a conditional reference {@code Type?identifier=system|value} found
 * in the NDJSON files (Synthea's Practitioners are referenced by NPI), wherever it stands as {@code
 * "id"} or {@code "value"}, or after {@code /} or {@code |} at the end of a string. The salt
 * differs per run, so a second run against the same server inserts too. Files keep their names and
 * sub-folders.
 */
final class RoundData {

  private static final String UUID_SHAPE =
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
  private static final Pattern UUID_TOKEN =
      Pattern.compile("(?<![0-9a-fA-F])" + UUID_SHAPE + "(?![0-9a-fA-F])");
  private static final Pattern UUID_ONLY = Pattern.compile(UUID_SHAPE);
  private static final Pattern CONDITIONAL =
      Pattern.compile("^[A-Z][A-Za-z]+\\?identifier=(?:[^|]*\\|)?(.+)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path source;
  private final List<Path> files;
  private final TreeSet<String> otherTokens;
  private final Pattern otherToken;
  private final String salt;

  private RoundData(Path source, List<Path> files, TreeSet<String> otherTokens, String salt) {
    this.source = source;
    this.files = files;
    this.otherTokens = otherTokens;
    this.salt = salt;
    this.otherToken =
        otherTokens.isEmpty()
            ? null
            : Pattern.compile(
                "(\"(?:id|value)\"\\s*:\\s*\"|[/|])("
                    + otherTokens.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                    + ")\"");
  }

  /**
   * Lists the data files under {@code folder} (as the importer would) and finds its non-UUID ids.
   */
  static RoundData scan(Path folder, String salt) {
    if (!Files.isDirectory(folder)) {
      throw new BenchException(folder + " is not a folder");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(file -> !isHidden(folder.relativize(file)))
              .filter(
                  file ->
                      name(file).endsWith(".ndjson")
                          || name(file).endsWith(".ndjson.gz")
                          || name(file).endsWith(".json"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new BenchException("cannot read " + folder + ": " + e.getMessage());
    }
    TreeSet<String> other = new TreeSet<>();
    for (Path file : files) {
      if (!name(file).endsWith(".json")) {
        lines(file, line -> collectOtherTokens(line, other));
      }
    }
    return new RoundData(folder, files, other, salt);
  }

  /**
   * Non-UUID tokens rewritten by exact match (ids, identifier values of conditional references).
   */
  List<String> otherTokens() {
    return List.copyOf(otherTokens);
  }

  /** Writes round {@code round}'s copy of the data into the empty folder {@code target}. */
  void write(int round, Path target) {
    Map<String, String> mapping = new HashMap<>();
    for (Path file : files) {
      Path copy = target.resolve(source.relativize(file).toString());
      try {
        Files.createDirectories(copy.getParent());
        try (BufferedWriter out = writer(copy)) {
          lines(
              file,
              line -> {
                try {
                  out.write(rewrite(line, round, mapping));
                  out.write('\n');
                } catch (IOException e) {
                  throw new BenchException("cannot write " + copy + ": " + e.getMessage());
                }
              });
        }
      } catch (IOException e) {
        throw new BenchException("cannot write " + copy + ": " + e.getMessage());
      }
    }
  }

  String rewrite(String line, int round, Map<String, String> mapping) {
    String text = replace(UUID_TOKEN.matcher(line), m -> newId(round, m.group(), mapping));
    return otherToken == null
        ? text
        : replace(
            otherToken.matcher(text), m -> m.group(1) + newId(round, m.group(2), mapping) + "\"");
  }

  private String newId(int round, String old, Map<String, String> mapping) {
    return mapping.computeIfAbsent(
        old,
        o ->
            UUID.nameUUIDFromBytes((salt + ":" + round + ":" + o).getBytes(StandardCharsets.UTF_8))
                .toString());
  }

  private static String replace(Matcher m, Function<Matcher, String> with) {
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
    }
    return m.appendTail(out).toString();
  }

  private static void collectOtherTokens(String line, TreeSet<String> other) {
    if (line.isBlank()) {
      return;
    }
    try {
      JsonNode resource = JSON.readTree(line);
      String id = resource.path("id").asText("");
      if (!id.isEmpty() && !UUID_ONLY.matcher(id).matches()) {
        other.add(id);
      }
      for (JsonNode reference : resource.findValues("reference")) {
        Matcher m = CONDITIONAL.matcher(reference.asText(""));
        if (m.matches() && !UUID_ONLY.matcher(m.group(1)).matches()) {
          other.add(m.group(1));
        }
      }
    } catch (IOException e) {
      // a malformed line: copied unchanged, and the importer reports it
    }
  }

  private interface LineVisitor {
    void visit(String line);
  }

  private static void lines(Path file, LineVisitor visitor) {
    try (InputStream raw = Files.newInputStream(file);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(
                    name(file).endsWith(".gz") ? new GZIPInputStream(raw, 65536) : raw,
                    StandardCharsets.UTF_8),
                1 << 18)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        visitor.visit(line);
      }
    } catch (IOException e) {
      throw new BenchException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static BufferedWriter writer(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    OutputStream out = name(file).endsWith(".gz") ? new GZIPOutputStream(raw, 65536) : raw;
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 18);
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String name(Path file) {
    return file.getFileName().toString();
  }
}
