package org.consentry.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.consentry.cli.imports.FhirResponse;
import org.consentry.cli.imports.Outcomes;

/**
 * The simulated wearables' patients and devices, created through the FHIR API in transactions:
 * synthetic patients ({@code Sim-0001}..., tagged {@value #TAG_SYSTEM}) with one {@code Device}
 * each, or one {@code Device} for each given patient.
 */
public final class Fleet {

  public static final String TAG_SYSTEM = "urn:consentry:simulator";

  /** One wearable's patient and device, by id. */
  public record Member(String patient, String device) {}

  /** The server refused to create them; the message says why in one line. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_TRANSACTION = 250;

  private Fleet() {}

  /**
   * Creates {@code count} synthetic patients, each with a device.
   *
   * @param serialPrefix starts every device's serial number (a run's own, so runs differ)
   */
  public static List<Member> synthetic(FhirConnection fhir, int count, String serialPrefix) {
    List<Member> members = new ArrayList<>();
    for (int from = 0; from < count; from += PER_TRANSACTION) {
      ObjectNode bundle = bundle();
      ArrayNode entries = (ArrayNode) bundle.get("entry");
      for (int i = from; i < Math.min(count, from + PER_TRANSACTION); i++) {
        String number = "%04d".formatted(i + 1);
        String urn = "urn:uuid:" + java.util.UUID.randomUUID();
        ObjectNode patient = entry(entries, urn, "Patient");
        patient
            .putObject("meta")
            .putArray("tag")
            .addObject()
            .put("system", TAG_SYSTEM)
            .put("code", "simulated")
            .put("display", "created by ./consentry simulate");
        ObjectNode name = patient.putArray("name").addObject();
        name.put("family", "Sim-" + number);
        name.putArray("given").add("Wearable");
        patient.put("gender", i % 2 == 0 ? "female" : "male");
        patient.put("birthDate", "%d-%02d-15".formatted(1950 + i % 50, 1 + i % 12));
        device(entries, urn, serialPrefix + number);
      }
      List<String> ids = created(fhir, bundle);
      for (int i = 0; i < ids.size(); i += 2) {
        members.add(new Member(ids.get(i), ids.get(i + 1)));
      }
    }
    return members;
  }

  /** Creates a device for each of these (existing) patients. */
  public static List<Member> forPatients(
      FhirConnection fhir, List<String> patients, String serialPrefix) {
    List<Member> members = new ArrayList<>();
    for (int from = 0; from < patients.size(); from += PER_TRANSACTION) {
      ObjectNode bundle = bundle();
      ArrayNode entries = (ArrayNode) bundle.get("entry");
      List<String> chunk =
          patients.subList(from, Math.min(patients.size(), from + PER_TRANSACTION));
      for (int i = 0; i < chunk.size(); i++) {
        device(entries, "Patient/" + chunk.get(i), serialPrefix + "%04d".formatted(from + i + 1));
      }
      List<String> ids = created(fhir, bundle);
      for (int i = 0; i < ids.size(); i++) {
        members.add(new Member(chunk.get(i), ids.get(i)));
      }
    }
    return members;
  }

  private static ObjectNode bundle() {
    ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle");
    bundle.put("type", "transaction").putArray("entry");
    return bundle;
  }

  private static ObjectNode entry(ArrayNode entries, String fullUrl, String type) {
    ObjectNode entry = entries.addObject();
    if (fullUrl != null) {
      entry.put("fullUrl", fullUrl);
    }
    entry.putObject("request").put("method", "POST").put("url", type);
    return entry.putObject("resource").put("resourceType", type);
  }

  private static void device(ArrayNode entries, String patientReference, String serial) {
    ObjectNode device = entry(entries, null, "Device");
    device.put("status", "active");
    device.put("serialNumber", serial);
    device
        .putArray("deviceName")
        .addObject()
        .put("name", "Simulated wearable " + serial)
        .put("type", "user-friendly-name");
    device.putObject("patient").put("reference", patientReference);
  }

  /** The ids the server gave the bundle's entries, in order. */
  private static List<String> created(FhirConnection fhir, ObjectNode bundle) {
    FhirResponse response = fhir.transaction(bundle.toString());
    if (!response.isSuccess()) {
      throw new Refused("creating patients and devices: " + Outcomes.describe(response));
    }
    List<String> ids = new ArrayList<>();
    try {
      for (JsonNode entry : JSON.readTree(response.body()).path("entry")) {
        String[] location =
            entry
                .path("response")
                .path("location")
                .asText()
                .replaceFirst("/_history/.*", "")
                .split("/");
        if (location.length < 2) {
          throw new Refused("creating patients and devices: the server named no new id");
        }
        ids.add(location[location.length - 1]);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Refused("creating patients and devices: the server's answer is not JSON");
    }
    if (ids.size() != bundle.get("entry").size()) {
      throw new Refused("creating patients and devices: the server answered for fewer entries");
    }
    return ids;
  }
}
