package org.consentry.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.FieldCipher;
import org.consentry.crypto.FieldContext;
import org.consentry.crypto.InMemoryDataKeyStore;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Field encryption throughput on one thread: each invocation encrypts then decrypts one value of
 * {@code size} bytes, so the score is round trips per second.
 *
 * <ul>
 *   <li>{@code fieldCipher}: {@link AesGcmFieldCipher} with a cached data key (header, context as
 *       associated data, key lookup in the key ring's cache): the cost per encrypted field.
 *   <li>{@code rawJca}: the floor, JCA {@code AES/GCM/NoPadding} with one Cipher held by the
 *       benchmark, a fresh random nonce per value, no header and no associated data.
 * </ul>
 *
 * <p>Target: fieldCipher / rawJca at least 0.5 at each size. How to run it: bench/README.md, or
 * {@code java -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main
 * FieldCipherBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FieldCipherBenchmark {

  @Param({"32", "256", "4096"})
  public int size;

  private Path dir;
  private FieldCipher cipher;
  private FieldContext context;
  private byte[] plaintext;
  private Cipher raw;
  private SecretKey rawKey;
  private SecureRandom random;
  private byte[] nonce;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    dir = Files.createTempDirectory("field-cipher-bench");
    MasterKeystore keys =
        MasterKeystore.create(
            dir.resolve("bench.bcfks"), "benchmark passphrase only".toCharArray());
    cipher = new AesGcmFieldCipher(KeyRing.builder(keys, new InMemoryDataKeyStore()).build());
    context =
        new FieldContext("patient-1234", "Observation", "obs-5678", "Observation.valueString");
    random = new SecureRandom();
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    cipher.encrypt(plaintext, context); // creates and caches the data key

    byte[] key = new byte[32];
    random.nextBytes(key);
    rawKey = new SecretKeySpec(key, "AES");
    raw = Cipher.getInstance("AES/GCM/NoPadding");
    nonce = new byte[12];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Benchmark
  public byte[] fieldCipher() {
    return cipher.decrypt(cipher.encrypt(plaintext, context), context);
  }

  @Benchmark
  public byte[] rawJca() throws GeneralSecurityException {
    random.nextBytes(nonce);
    GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
    raw.init(Cipher.ENCRYPT_MODE, rawKey, spec);
    byte[] ciphertext = raw.doFinal(plaintext);
    raw.init(Cipher.DECRYPT_MODE, rawKey, spec);
    return raw.doFinal(ciphertext);
  }
}
