package org.consentry.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where an encrypted value belongs: the data key it is encrypted under (for example the patient's
 * id) and the element it is stored in. A {@link FieldCipher} binds each ciphertext to its context
 * as associated data, so a ciphertext copied to another resource type, resource id, element path or
 * key id fails to decrypt. The key version is not part of the context: the cipher picks it and
 * records it in the ciphertext header, which is also authenticated.
 *
 * @param keyId the data key's id, typically the patient's logical id; 1 to 255 bytes of UTF-8
 * @param resourceType the FHIR resource type, e.g. {@code Patient}
 * @param resourceId the logical id of the resource that stores the value
 * @param elementPath the path of the element inside the resource, e.g. {@code Patient.birthDate}; a
 *     repeating element should carry its index ({@code Patient.name[0].family}) if values must not
 *     be swapped between repetitions
 */
public record FieldContext(
    String keyId, String resourceType, String resourceId, String elementPath) {

  public FieldContext {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(elementPath, "elementPath");
    int idBytes = keyId.getBytes(StandardCharsets.UTF_8).length;
    if (idBytes < 1 || idBytes > 255) {
      throw new IllegalArgumentException("keyId must be 1 to 255 bytes of UTF-8, was " + idBytes);
    }
  }

  /**
   * The encoding of resource type, resource id and element path inside the associated data: each as
   * its UTF-8 length (4 bytes, big-endian) followed by its bytes, so no two contexts encode alike.
   * The key id is authenticated through the header instead.
   */
  byte[] encodeLocation() {
    byte[] type = resourceType.getBytes(StandardCharsets.UTF_8);
    byte[] id = resourceId.getBytes(StandardCharsets.UTF_8);
    byte[] path = elementPath.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(12 + type.length + id.length + path.length)
        .putInt(type.length)
        .put(type)
        .putInt(id.length)
        .put(id)
        .putInt(path.length)
        .put(path)
        .array();
  }
}
