package org.consentry.cli.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the paths given to an import into the files to load. A folder is searched recursively
 * (hidden files and folders left out) for {@code *.ndjson}, {@code *.ndjson.gz} and {@code *.json},
 * in name order; its other files are skipped and named. A file named directly must have one of
 * those endings.
 *
 * <p>Files found in a folder may turn out not to be FHIR data once read (a Bulk Data export's log,
 * manifest or error files): those are skipped, named, by {@link NdjsonImport} and {@link
 * BundleImport}; a file named directly is loaded as given, and what is not FHIR in it fails.
 *
 * @param ndjson bulk-data files, one resource per line
 * @param bundles Bundle JSON files
 * @param found the files among them that were found in a folder rather than named
 * @param skipped files found in a folder that are neither NDJSON nor JSON
 */
record InputFiles(
    List<Path> ndjson, List<Path> bundles, Set<Path> found, List<SkippedFile> skipped) {

  static InputFiles expand(List<Path> paths) {
    Set<Path> ndjson = new LinkedHashSet<>();
    Set<Path> bundles = new LinkedHashSet<>();
    Set<Path> found = new LinkedHashSet<>();
    Map<Path, SkippedFile> skipped = new LinkedHashMap<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        List<Path> files = walk(path);
        List<Path> data = files.stream().filter(InputFiles::isData).toList();
        if (data.isEmpty()) {
          throw new ImportException(path + " holds no .ndjson or .json file");
        }
        for (Path file : files) {
          if (!isData(file)) {
            skipped.put(file, new SkippedFile(file, "neither .ndjson nor .json, so not FHIR data"));
          } else if ((NdjsonFile.isNdjson(file) ? ndjson : bundles).add(file)) {
            found.add(file);
          }
        }
      } else if (!Files.isRegularFile(path)) {
        throw new ImportException(path + " does not exist");
      } else if (NdjsonFile.isNdjson(path)) {
        ndjson.add(path);
        found.remove(path);
      } else if (isJson(path)) {
        bundles.add(path);
        found.remove(path);
      } else {
        throw new ImportException(
            path + " is neither .ndjson (one resource per line) nor .json (a Bundle)");
      }
    }
    return new InputFiles(
        List.copyOf(ndjson),
        List.copyOf(bundles),
        Set.copyOf(found),
        List.copyOf(skipped.values()));
  }

  private static List<Path> walk(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> found = new ArrayList<>();
      files
          .filter(Files::isRegularFile)
          .filter(file -> !isHidden(folder.relativize(file)))
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

  private static boolean isData(Path file) {
    return NdjsonFile.isNdjson(file) || isJson(file);
  }

  private static boolean isJson(Path file) {
    return file.getFileName().toString().endsWith(".json");
  }
}
