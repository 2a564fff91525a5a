package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryDataKeyStoreTest {

  private final InMemoryDataKeyStore store = new InMemoryDataKeyStore();

  @Test
  void insert_existingVersion_isRefusedAndKeepsFirst() {
    WrappedDataKey first = key("p", 1, 1, (byte) 1);
    assertThat(store.insert(first)).isTrue();
    assertThat(store.insert(key("p", 1, 1, (byte) 2))).isFalse();
    assertThat(store.find("p", 1)).contains(first);
  }

  @Test
  void latest_isHighestVersion() {
    store.insert(key("p", 1, 1, (byte) 1));
    store.insert(key("p", 3, 1, (byte) 3));
    store.insert(key("p", 2, 1, (byte) 2));
    assertThat(store.latest("p")).get().extracting(WrappedDataKey::version).isEqualTo(3);
  }

  @Test
  void update_replacesExistingOnlyAndDestroyRefusesLaterInserts() {
    assertThat(store.update(key("p", 1, 2, (byte) 1))).isFalse();
    store.insert(key("p", 1, 1, (byte) 1));
    assertThat(store.update(key("p", 1, 2, (byte) 9))).isTrue();
    assertThat(store.find("p", 1)).get().extracting(WrappedDataKey::kekVersion).isEqualTo(2);

    store.destroy("p");
    assertThat(store.find("p", 1)).isEmpty();
    assertThat(store.isDestroyed("p")).isTrue();
    assertThat(store.insert(key("p", 2, 1, (byte) 1))).isFalse();
    assertThat(store.update(key("p", 1, 2, (byte) 1))).isFalse();
    assertThat(store.all()).isEmpty();
  }

  @Test
  void wrapped_isCopiedInAndOut() {
    byte[] bytes = new byte[60];
    WrappedDataKey key = new WrappedDataKey("p", 1, 1, bytes, Instant.EPOCH);
    bytes[0] = 7;
    key.wrapped()[1] = 7;
    assertThat(key.wrapped()).containsOnly(0);
  }

  private static WrappedDataKey key(String id, int version, int kek, byte fill) {
    byte[] wrapped = new byte[60];
    java.util.Arrays.fill(wrapped, fill);
    return new WrappedDataKey(id, version, kek, wrapped, Instant.EPOCH);
  }
}
