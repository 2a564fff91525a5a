package org.consentry.cli.imports;

import java.nio.file.Path;
import java.util.Set;

/**
 * One resource read from an NDJSON file, kept as the text it had there so that it is sent exactly
 * as written.
 *
 * @param file the file it came from
 * @param line its 1-based line number
 * @param type its {@code resourceType}
 * @param id its {@code id}
 * @param json the line, one JSON object
 * @param referencedTypes resource types its references point to, such as {@code Patient} for {@code
 *     Patient/123} or {@code Practitioner?identifier=...}
 * @param bytes the size of {@code json} in UTF-8
 */
record ResourceLine(
    Path file,
    int line,
    String type,
    String id,
    String json,
    Set<String> referencedTypes,
    int bytes) {

  String location() {
    return file + ":" + line;
  }

  String reference() {
    return type + "/" + id;
  }
}
