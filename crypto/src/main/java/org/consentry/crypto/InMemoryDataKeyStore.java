package org.consentry.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link DataKeyStore} in memory, for tests and tools: nothing survives the process. Thread-safe;
 * insert, update and destroy of one key id are serialized on that key id.
 */
public final class InMemoryDataKeyStore implements DataKeyStore {

  private final Map<String, ConcurrentSkipListMap<Integer, WrappedDataKey>> keys =
      new ConcurrentHashMap<>();
  private final Set<String> destroyed = ConcurrentHashMap.newKeySet();

  @Override
  public Optional<WrappedDataKey> find(String keyId, int version) {
    ConcurrentSkipListMap<Integer, WrappedDataKey> versions = keys.get(keyId);
    return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
  }

  @Override
  public Optional<WrappedDataKey> latest(String keyId) {
    ConcurrentSkipListMap<Integer, WrappedDataKey> versions = keys.get(keyId);
    if (versions == null) {
      return Optional.empty();
    }
    Map.Entry<Integer, WrappedDataKey> last = versions.lastEntry();
    return last == null ? Optional.empty() : Optional.of(last.getValue());
  }

  @Override
  public List<WrappedDataKey> all() {
    List<WrappedDataKey> all = new ArrayList<>();
    keys.values().forEach(versions -> all.addAll(versions.values()));
    return all;
  }

  @Override
  public boolean insert(WrappedDataKey key) {
    boolean[] inserted = {false};
    keys.compute(
        key.keyId(),
        (id, versions) -> {
          if (destroyed.contains(id)) {
            return versions;
          }
          ConcurrentSkipListMap<Integer, WrappedDataKey> map =
              versions == null ? new ConcurrentSkipListMap<>() : versions;
          inserted[0] = map.putIfAbsent(key.version(), key) == null;
          return map;
        });
    return inserted[0];
  }

  @Override
  public boolean update(WrappedDataKey key) {
    boolean[] updated = {false};
    keys.computeIfPresent(
        key.keyId(),
        (id, versions) -> {
          updated[0] = versions.replace(key.version(), key) != null;
          return versions;
        });
    return updated[0];
  }

  @Override
  public void destroy(String keyId) {
    keys.compute(
        keyId,
        (id, versions) -> {
          destroyed.add(id);
          return null;
        });
  }

  @Override
  public boolean isDestroyed(String keyId) {
    return destroyed.contains(keyId);
  }
}
