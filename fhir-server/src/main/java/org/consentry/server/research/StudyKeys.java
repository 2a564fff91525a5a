package org.consentry.server.research;

import java.util.LinkedHashMap;
import java.util.Map;
import org.consentry.crypto.BlindIndex;
import org.consentry.deid.DeidProfile;
import org.consentry.deid.Deidentifier;
import org.consentry.deid.StudyKey;

/**
 * The de-identifier of each study: its key derived from the keystore's index secret and the study
 * id ({@link StudyKey#derive}), so pseudonyms and date shifts are the same in every run of a study
 * and unrelated between studies, with nothing stored. A few are kept, since deriving and compiling
 * is not free and a job asks once per resource.
 */
final class StudyKeys {

  private static final int KEPT = 16;

  private final BlindIndex index;
  private final Map<String, Deidentifier> kept =
      new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deidentifier> eldest) {
          return size() > KEPT;
        }
      };

  StudyKeys(BlindIndex index) {
    this.index = index;
  }

  synchronized Deidentifier deidentifier(String studyId, String profileName, DeidProfile profile) {
    return kept.computeIfAbsent(
        studyId + "\n" + profileName,
        key -> new Deidentifier(profile, StudyKey.derive(index, studyId)));
  }
}
