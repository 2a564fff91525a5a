package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

  @TempDir Path dir;
  private MasterKeystore masterKeys;
  private CountingStore store;
  private KeyRing keyRing;
  private AesGcmFieldCipher cipher;

  @BeforeEach
  void setUp() {
    masterKeys = TestKeys.newKeystore(dir, "ring");
    store = new CountingStore();
    keyRing = KeyRing.builder(masterKeys, store).build();
    cipher = new AesGcmFieldCipher(keyRing);
  }

  @Test
  void dataKeyFor_firstUse_createsVersionOneWrappedUnderPrimaryKek() {
    int version = keyRing.dataKeyFor("pat-1").version();
    assertThat(version).isEqualTo(1);
    assertThat(store.all())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.keyId()).isEqualTo("pat-1");
              assertThat(k.kekVersion()).isEqualTo(1);
              assertThat(k.wrapped()).hasSize(60);
            });
  }

  @Test
  void encryptDecrypt_manyFields_unwrapsEachKeyOnce() {
    FieldContext ctx = ctx("pat-1", "Patient.birthDate");
    for (int i = 0; i < 100; i++) {
      cipher.decrypt(cipher.encrypt(new byte[8], ctx), ctx);
    }
    assertThat(store.reads.get()).isEqualTo(1); // the latest() of the first creation
  }

  @Test
  void rewrapAll_afterKekRotation_oldDataDecryptsAndNoKeyStaysUnderOldKek() {
    FieldContext ctx = ctx("pat-1", "Patient.birthDate");
    byte[] before = cipher.encrypt(utf8("1970-01-01"), ctx);
    cipher.encrypt(utf8("x"), ctx("pat-2", "Patient.birthDate"));
    keyRing.rotateDataKey("pat-2");

    int kek = masterKeys.rotate();
    int rewrapped = keyRing.rewrapAll(kek);

    assertThat(kek).isEqualTo(2);
    assertThat(rewrapped).isEqualTo(3);
    assertThat(store.all()).hasSize(3).allSatisfy(k -> assertThat(k.kekVersion()).isEqualTo(2));
    // a fresh process: nothing cached, keystore reopened from the file
    MasterKeystore reopened = MasterKeystore.open(masterKeys.file(), TestKeys.PASSPHRASE);
    AesGcmFieldCipher fresh = new AesGcmFieldCipher(KeyRing.builder(reopened, store).build());
    assertThat(fresh.decrypt(before, ctx)).asString(StandardCharsets.UTF_8).isEqualTo("1970-01-01");
    assertThat(keyRing.rewrapAll(kek)).isZero();
  }

  @Test
  void rotateKek_newDataKeysAreWrappedUnderNewPrimary() {
    keyRing.rotateKek();
    keyRing.dataKeyFor("pat-3");
    assertThat(store.find("pat-3", 1)).get().extracting(WrappedDataKey::kekVersion).isEqualTo(2);
  }

  @Test
  void rewrapAll_unknownKekVersion_isRejected() {
    assertThatThrownBy(() -> keyRing.rewrapAll(7)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void destroy_dropsEveryVersionFromStoreAndCache() {
    FieldContext ctx = ctx("pat-1", "Patient.birthDate");
    byte[] v1 = cipher.encrypt(utf8("a"), ctx);
    keyRing.rotateDataKey("pat-1");
    byte[] v2 = cipher.encrypt(utf8("b"), ctx);

    keyRing.destroy("pat-1");

    assertThat(store.all()).isEmpty();
    assertThat(store.isDestroyed("pat-1")).isTrue();
    assertThatThrownBy(() -> cipher.decrypt(v1, ctx)).isInstanceOf(KeyDestroyedException.class);
    assertThatThrownBy(() -> cipher.decrypt(v2, ctx)).isInstanceOf(KeyDestroyedException.class);
    assertThatThrownBy(() -> keyRing.rotateDataKey("pat-1"))
        .isInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void destroy_onAnotherNode_isSeenAfterInvalidateOrTimeToLive() {
    TestClock clock = new TestClock();
    KeyRing nodeA = KeyRing.builder(masterKeys, store).clock(clock).build();
    KeyRing nodeB =
        KeyRing.builder(masterKeys, store).clock(clock).cacheTtl(Duration.ofMinutes(5)).build();
    FieldContext ctx = ctx("pat-1", "Patient.birthDate");
    byte[] ct = new AesGcmFieldCipher(nodeA).encrypt(utf8("a"), ctx);
    AesGcmFieldCipher onB = new AesGcmFieldCipher(nodeB);
    onB.decrypt(ct, ctx); // cached on B

    nodeA.destroy("pat-1");
    assertThat(onB.decrypt(ct, ctx)).isNotEmpty(); // stale until told or expired
    clock.advance(Duration.ofMinutes(5));
    assertThatThrownBy(() -> onB.decrypt(ct, ctx)).isInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void invalidate_dropsCachedKey() {
    KeyRing nodeB = KeyRing.builder(masterKeys, store).build();
    FieldContext ctx = ctx("pat-1", "Patient.birthDate");
    byte[] ct = cipher.encrypt(utf8("a"), ctx);
    AesGcmFieldCipher onB = new AesGcmFieldCipher(nodeB);
    onB.decrypt(ct, ctx);
    keyRing.destroy("pat-1");
    nodeB.invalidate("pat-1");
    assertThatThrownBy(() -> onB.decrypt(ct, ctx)).isInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void decrypt_storedKeyRowMovedToAnotherKeyId_fails() {
    FieldContext ctx1 = ctx("pat-1", "Patient.birthDate");
    keyRing.dataKeyFor("pat-1");
    WrappedDataKey row = store.find("pat-1", 1).orElseThrow();
    store.insert(new WrappedDataKey("pat-2", 1, 1, row.wrapped(), row.createdAt()));
    FieldContext ctx2 = ctx("pat-2", "Patient.birthDate");
    assertThatThrownBy(() -> cipher.encrypt(utf8("a"), ctx2))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not unwrap");
    assertThat(cipher.decrypt(cipher.encrypt(utf8("a"), ctx1), ctx1)).isNotEmpty();
  }

  @Test
  void dataKeyFor_twoNodesRacingOnFirstUse_agreeOnOneKey() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int i = 0; i < 8; i++) {
        KeyRing node = KeyRing.builder(masterKeys, store).build(); // one ring per "node"
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return node.dataKeyFor("pat-race").key().getEncoded();
                }));
      }
      start.countDown();
      byte[] first = results.get(0).get(30, TimeUnit.SECONDS);
      for (Future<byte[]> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
      assertThat(store.all()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void encryptDecrypt_manyThreadsSharingOneRing_allRoundTrip() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger failures = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    String patient = "pat-" + (i % 37);
                    FieldContext ctx = ctx(patient, "Observation.value[" + thread + "]");
                    String value = thread + ":" + i;
                    if (i % 500 == 0 && thread == 0) {
                      keyRing.rotateDataKey(patient);
                    }
                    if (!value.equals(
                        cipher.decryptString(cipher.encryptString(value, ctx), ctx))) {
                      failures.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).hasValue(0);
    assertThat(store.all())
        .extracting(k -> k.keyId() + "/v" + k.version())
        // thread 0 rotates pat-0 four times (i = 0, 500, 1000, 1500); the first rotation adds a
        // version only if another thread created pat-0's key before it, so 3 or 4 extra versions
        .doesNotHaveDuplicates()
        .hasSizeBetween(37 + 3, 37 + 4);
    assertThat(store.all().stream().map(WrappedDataKey::keyId).distinct()).hasSize(37);
  }

  @Test
  void toString_revealsNoKeyMaterial() {
    keyRing.dataKeyFor("pat-1");
    assertThat(keyRing.toString()).doesNotContain("pat-1");
    assertThat(store.all().get(0).toString()).doesNotContain("pat-1").doesNotContain("[B@");
  }

  private static FieldContext ctx(String patient, String path) {
    return new FieldContext(patient, "Patient", patient, path);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Counts how often the ring goes to the store for a key. */
  static final class CountingStore implements DataKeyStore {
    final InMemoryDataKeyStore delegate = new InMemoryDataKeyStore();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Optional<WrappedDataKey> find(String keyId, int version) {
      reads.incrementAndGet();
      return delegate.find(keyId, version);
    }

    @Override
    public Optional<WrappedDataKey> latest(String keyId) {
      reads.incrementAndGet();
      return delegate.latest(keyId);
    }

    @Override
    public List<WrappedDataKey> all() {
      return delegate.all();
    }

    @Override
    public boolean insert(WrappedDataKey key) {
      return delegate.insert(key);
    }

    @Override
    public boolean update(WrappedDataKey key) {
      return delegate.update(key);
    }

    @Override
    public void destroy(String keyId) {
      delegate.destroy(keyId);
    }

    @Override
    public boolean isDestroyed(String keyId) {
      return delegate.isDestroyed(keyId);
    }
  }

  static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
