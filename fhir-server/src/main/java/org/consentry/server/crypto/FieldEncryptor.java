package org.consentry.server.crypto;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.consentry.crypto.DecryptionException;
import org.consentry.crypto.FieldCipher;
import org.consentry.crypto.FieldContext;
import org.consentry.crypto.KeyDestroyedException;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and decrypts the elements of a resource in place.
 *
 * <h2>Stored form</h2>
 *
 * An encrypted element keeps its place and type but holds only two extensions: the
 * data-absent-reason {@code masked} (so readers of the raw resource see why it is empty) and
 * {@value #ENCRYPTED} whose {@code valueString} is the base64url ciphertext of {@link
 * org.consentry.crypto.AesGcmFieldCipher} (format documented there; its header names the key id and
 * data-key version). What is encrypted depends on where the element sits:
 *
 * <ul>
 *   <li>a top-level element ({@code Patient.name}): the JSON of a resource of the same type holding
 *       only that element, so every datatype (and the concrete type of a choice) comes back
 *       exactly; a choice element is stored as an empty {@code valueString};
 *   <li>a primitive below it ({@code Patient.identifier.value}, a reference's display): its string
 *       value;
 *   <li>{@code text.div}: the XHTML, the extensions on the Narrative, and a placeholder div (FHIR
 *       requires one).
 * </ul>
 *
 * Associated data: key id (the owning patient), resource type and id (the empty id for a resource
 * inside another that has none, such as a Bundle entry), and the element path as child names
 * without indexes ({@code Patient.name}, {@code Claim.patient.display}), so a ciphertext copied to
 * another resource or element fails, while re-ordering repetitions does not. Resources inside the
 * resource (Bundle entries, contained resources) are not walked: {@link ResourceEncryption} gives
 * each its own key and context.
 */
final class FieldEncryptor {

  static final String ENCRYPTED = "http://consentry.org/fhir/StructureDefinition/encrypted";
  static final String DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
  static final String PLACEHOLDER_DIV =
      "<div xmlns=\"http://www.w3.org/1999/xhtml\">encrypted</div>";
  private static final Set<String> SKIP =
      Set.of(
          "id", "meta", "implicitRules", "language", "contained", "extension", "modifierExtension");
  private static final Logger LOG = LoggerFactory.getLogger(FieldEncryptor.class);

  private final FhirContext fhir;
  private final FieldCipher cipher;
  private final EncryptionPolicy policy;

  FieldEncryptor(FhirContext fhir, FieldCipher cipher, EncryptionPolicy policy) {
    this.fhir = fhir;
    this.cipher = cipher;
    this.policy = policy;
  }

  /** One stored or to-be-stored resource: its type, id, the key it is encrypted under, and how. */
  private record Target(
      Resource resource, String type, String keyId, boolean encrypting, boolean restricted) {
    FieldContext context(String path, String keyIdOfCiphertext) {
      // a resource inside another (a Bundle entry) may have no id: bound to the empty id
      String id = resource.getIdElement().getIdPart();
      return new FieldContext(keyIdOfCiphertext, type, id == null ? "" : id, type + "." + path);
    }
  }

  /**
   * Encrypts, under {@code keyId}, every element the policy names that still holds plaintext.
   *
   * @return how many elements were encrypted
   * @throws KeyDestroyedException if there is something to encrypt and the key id was erased
   */
  int encrypt(Resource resource, String keyId) {
    return walk(
        new Target(
            resource, resource.fhirType(), keyId, true, EncryptionPolicy.isRestricted(resource)));
  }

  /**
   * Decrypts every encrypted element. One whose key was destroyed, or that does not decrypt, is
   * left masked (data-absent-reason only): never an error, so an erased field reads as absent.
   *
   * @return how many elements were found encrypted
   */
  int decrypt(Resource resource) {
    return walk(new Target(resource, resource.fhirType(), null, false, false));
  }

  private int walk(Target target) {
    RuntimeResourceDefinition definition = fhir.getResourceDefinition(target.resource());
    boolean descend = !target.encrypting() || policy.descends(target.type(), target.restricted());
    int count = 0;
    for (BaseRuntimeChildDefinition child : definition.getChildren()) {
      String name = name(child);
      if (SKIP.contains(name)) {
        continue;
      }
      List<IBase> values = new ArrayList<>(child.getAccessor().getValues(target.resource()));
      boolean changed = false;
      for (int i = 0; i < values.size(); i++) {
        if (!(values.get(i) instanceof Base value) || value.isEmpty()) {
          continue;
        }
        Base replacement =
            target.encrypting()
                ? encryptWhole(target, definition, child, value)
                : decryptWhole(target, child, value);
        if (replacement != null) {
          values.set(i, replacement);
          changed = true;
          count++;
        } else if (descend && !value.isPrimitive()) {
          count +=
              nested(
                  target, value, child.getChildElementDefinitionByDatatype(value.getClass()), name);
        }
      }
      if (changed) {
        child.getMutator().setValue(target.resource(), null);
        values.forEach(v -> child.getMutator().addValue(target.resource(), v));
      }
    }
    return count;
  }

  private Base encryptWhole(
      Target target,
      RuntimeResourceDefinition definition,
      BaseRuntimeChildDefinition child,
      Base value) {
    if (isEncrypted(value)
        || isMaskedOnly(value)
        || !policy.encrypts(target.type(), name(child), value.fhirType(), target.restricted())) {
      return null;
    }
    Resource holder = (Resource) definition.newInstance();
    child.getMutator().addValue(holder, value);
    String ciphertext =
        cipher.encryptString(
            fhir.newJsonParser().encodeResourceToString(holder),
            target.context(name(child), target.keyId()));
    Element empty =
        child instanceof RuntimeChildChoiceDefinition
            ? new StringType()
            : (Element) newInstance(value);
    return masked(empty, ciphertext);
  }

  private Base decryptWhole(Target target, BaseRuntimeChildDefinition child, Base value) {
    if (!isEncrypted(value) || value instanceof Narrative) {
      return null;
    }
    String plaintext = plaintext(target, (Element) value, name(child));
    if (plaintext == null) {
      return value;
    }
    Resource holder = (Resource) fhir.newJsonParser().parseResource(plaintext);
    List<IBase> restored = child.getAccessor().getValues(holder);
    return restored.isEmpty() ? value : (Base) restored.get(0);
  }

  private int nested(
      Target target, Base element, BaseRuntimeElementDefinition<?> definition, String path) {
    if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      return 0;
    }
    if (element instanceof Narrative narrative) {
      return narrative(target, narrative, path + ".div");
    }
    int count = 0;
    for (BaseRuntimeChildDefinition child : composite.getChildren()) {
      String name = name(child);
      if (SKIP.contains(name)) {
        continue;
      }
      String childPath = path + "." + name;
      for (IBase item : child.getAccessor().getValues(element)) {
        if (item instanceof Resource) {
          continue; // a resource inside this one (Bundle.entry.resource): ResourceEncryption's,
          // under its own key
        }
        if (item instanceof PrimitiveType<?> primitive) {
          count +=
              primitive(
                  target,
                  primitive,
                  childPath,
                  "display".equals(name) && isPatientReference(element));
        } else if (item instanceof Base base && !base.isEmpty()) {
          count +=
              nested(
                  target,
                  base,
                  child.getChildElementDefinitionByDatatype(base.getClass()),
                  childPath);
        }
      }
    }
    return count;
  }

  private int primitive(
      Target target, PrimitiveType<?> primitive, String path, boolean patientDisplay) {
    if (!target.encrypting()) {
      if (!isEncrypted(primitive)) {
        return 0;
      }
      String plaintext = plaintext(target, primitive, path);
      if (plaintext != null) {
        primitive.setValueAsString(plaintext);
        unmask(primitive);
      }
      return 1;
    }
    boolean wanted =
        patientDisplay && policy.encryptsPatientDisplays()
            || policy.encrypts(target.type(), path, primitive.fhirType(), target.restricted());
    if (!wanted || !primitive.hasValue() || isEncrypted(primitive)) {
      return 0;
    }
    String ciphertext =
        cipher.encryptString(primitive.getValueAsString(), target.context(path, target.keyId()));
    primitive.setValueAsString(null);
    masked(primitive, ciphertext);
    return 1;
  }

  private int narrative(Target target, Narrative narrative, String path) {
    if (!target.encrypting()) {
      if (!isEncrypted(narrative)) {
        return 0;
      }
      String plaintext = plaintext(target, narrative, path);
      if (plaintext != null) {
        narrative.setDivAsString(plaintext);
        unmask(narrative);
      }
      return 1;
    }
    XhtmlNode div = narrative.getDiv();
    if (isEncrypted(narrative)
        || div == null
        || div.isEmpty()
        || PLACEHOLDER_DIV.equals(narrative.getDivAsString())
        || !policy.encrypts(target.type(), path, "xhtml", target.restricted())) {
      return 0;
    }
    String ciphertext =
        cipher.encryptString(narrative.getDivAsString(), target.context(path, target.keyId()));
    narrative.setDivAsString(PLACEHOLDER_DIV);
    masked(narrative, ciphertext);
    return 1;
  }

  /**
   * The plaintext of an encrypted element, or null (and the element left masked) if it cannot be
   * had.
   */
  private String plaintext(Target target, Element element, String path) {
    String ciphertext = element.getExtensionByUrl(ENCRYPTED).getValue().primitiveValue();
    try {
      return cipher.decryptString(ciphertext, target.context(path, Ciphertexts.keyId(ciphertext)));
    } catch (KeyDestroyedException e) {
      element.removeExtension(ENCRYPTED);
      return null;
    } catch (DecryptionException e) {
      LOG.warn(
          "{}/{} {}: {}; shown masked",
          target.type(),
          target.resource().getIdElement().getIdPart(),
          path,
          e.getMessage());
      element.removeExtension(ENCRYPTED);
      return null;
    }
  }

  /**
   * The key ids of the encrypted fields of a resource (and of the resources inside it), as their
   * ciphertext headers name them.
   */
  static List<String> keyIdsOf(Resource resource) {
    List<String> keyIds = new ArrayList<>();
    for (String ciphertext : ServerMarkers.ciphertexts(resource)) {
      try {
        keyIds.add(Ciphertexts.keyId(ciphertext));
      } catch (DecryptionException e) {
        // not a ciphertext of ours: nothing to rotate
      }
    }
    return keyIds;
  }

  /** A child's name in paths: a choice as {@code value[x]}, whatever its stored type. */
  private static String name(BaseRuntimeChildDefinition child) {
    String name = child.getElementName();
    return child instanceof RuntimeChildChoiceDefinition && !name.endsWith("[x]")
        ? name + "[x]"
        : name;
  }

  /**
   * An element left masked (erased key) holds no plaintext: nothing to encrypt, and no key needed.
   */
  private static boolean isMaskedOnly(Base value) {
    if (!(value instanceof Element element) || !element.hasExtension(DATA_ABSENT)) {
      return false;
    }
    Element rest = element.copy();
    rest.removeExtension(DATA_ABSENT);
    return rest.isEmpty();
  }

  static boolean isEncrypted(Base value) {
    return value instanceof Element element && element.hasExtension(ENCRYPTED);
  }

  private static boolean isPatientReference(Base element) {
    if (!(element instanceof Reference reference) || !reference.hasReference()) {
      return false;
    }
    String target = reference.getReferenceElement().getResourceType();
    return "Patient".equals(target)
        || reference.getReference().startsWith("urn:")
            && (!reference.hasType() || "Patient".equals(reference.getType()));
  }

  private static Element masked(Element element, String ciphertext) {
    element.addExtension(DATA_ABSENT, new CodeType("masked"));
    element.addExtension(ENCRYPTED, new StringType(ciphertext));
    return element;
  }

  private static void unmask(Element element) {
    element.removeExtension(ENCRYPTED);
    element.removeExtension(DATA_ABSENT);
  }

  private static Base newInstance(Base value) {
    try {
      return value.getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make an empty " + value.fhirType(), e);
    }
  }
}
