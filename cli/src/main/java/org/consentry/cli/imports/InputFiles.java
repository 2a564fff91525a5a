package org.consentry.cli.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the paths given to an import into the files to load. A folder is searched recursively
 * (hidden files and folders skipped) for {@code *.ndjson}, {@code *.ndjson.gz} and {@code *.json},
 * in name order; other files in it are ignored. A file named directly must have one of those
 * endings.
 *
 * @param ndjson bulk-data files, one resource per line
 * @param bundles Bundle JSON files
 */
record InputFiles(List<Path> ndjson, List<Path> bundles) {

  static InputFiles expand(List<Path> paths) {
    Set<Path> ndjson = new LinkedHashSet<>();
    Set<Path> bundles = new LinkedHashSet<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        List<Path> found = walk(path);
        if (found.isEmpty()) {
          throw new ImportException(path + " holds no .ndjson or .json file");
        }
        found.forEach(file -> (NdjsonFile.isNdjson(file) ? ndjson : bundles).add(file));
      } else if (!Files.isRegularFile(path)) {
        throw new ImportException(path + " does not exist");
      } else if (NdjsonFile.isNdjson(path)) {
        ndjson.add(path);
      } else if (isJson(path)) {
        bundles.add(path);
      } else {
        throw new ImportException(
            path + " is neither .ndjson (one resource per line) nor .json (a Bundle)");
      }
    }
    return new InputFiles(List.copyOf(ndjson), List.copyOf(bundles));
  }

  private static List<Path> walk(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> found = new ArrayList<>();
      files
          .filter(Files::isRegularFile)
          .filter(file -> !isHidden(folder.relativize(file)))
          .filter(file -> NdjsonFile.isNdjson(file) || isJson(file))
          .sorted()
          .forEach(found::add);
      return found;
    } catch (IOException e) {
      throw new ImportException("cannot read folder " + folder + ": " + e.getMessage());
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isJson(Path file) {
    return file.getFileName().toString().endsWith(".json");
  }
}
