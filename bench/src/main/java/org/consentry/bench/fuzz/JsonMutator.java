package org.consentry.bench.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Breaks valid FHIR JSON: elements removed, duplicated, retyped or replaced by hostile values,
 * unknown elements, deep nesting, huge arrays, numbers past double, bytes that are not UTF-8, ids
 * and types changed; then, sometimes, the text itself (truncated, duplicate keys, comments, BOM).
 * What Jackson's tree cannot hold (raw bytes, 1e400, 5,000 levels of nesting) is spliced into the
 * serialized text in place of a marker string.
 */
final class JsonMutator {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 3 << 20;
  private static final String MARK = "@@splice-";
  private static final Pattern LEFTOVER = Pattern.compile(MARK + "\\d+@@");
  private static final Pattern SPLICE = Pattern.compile("\"" + MARK + "(\\d+)@@\"");

  private final Dice dice;
  private final List<byte[]> splices = new ArrayList<>();

  private JsonMutator(Dice dice) {
    this.dice = dice;
  }

  /**
   * One to three structural changes to {@code root} (changed in place), sometimes a textual one;
   * the bytes to send.
   */
  static byte[] mutate(JsonNode root, Dice dice) {
    JsonMutator mutator = new JsonMutator(dice);
    int changes = dice.between(1, 3);
    for (int i = 0; i < changes; i++) {
      mutator.structural(root);
    }
    byte[] body = mutator.serialize(root);
    if (dice.chance(0.2)) {
      body = textual(body, dice);
    }
    return body;
  }

  /** The node as JSON bytes, without mutation. */
  static byte[] bytes(JsonNode node) {
    return new JsonMutator(null).serialize(node);
  }

  private record Slot(ContainerNode<?> parent, String key, int index) {
    JsonNode get() {
      return key != null ? parent.get(key) : parent.get(index);
    }

    void set(JsonNode value) {
      if (key != null) {
        ((ObjectNode) parent).set(key, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (key != null) {
        ((ObjectNode) parent).remove(key);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private void structural(JsonNode root) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    if (slots.isEmpty() || !(root instanceof ObjectNode resource)) {
      return;
    }
    Slot slot = dice.pick(slots);
    switch (dice.below(13)) {
      case 0, 1 -> slot.remove();
      case 2 -> duplicate(slot);
      case 3, 4 -> slot.set(retyped(slot.get()));
      case 5 -> slot.set(JSON.getNodeFactory().textNode(Hostile.string(dice, 1 << 20)));
      case 6 -> unknownElement(root, slots);
      case 7 -> slot.set(splice(nested(dice.pickOf(32, 200, 1500, 5000))));
      case 8 ->
          slot.set(
              splice(
                  dice.pickOf(
                          "1e400",
                          "-0",
                          "0001",
                          "123456789012345678901234567890.123456789",
                          ".5",
                          "+1",
                          "NaN",
                          "-Infinity",
                          "1E-400",
                          "0x10",
                          "9223372036854775808")
                      .getBytes(StandardCharsets.UTF_8)));
      case 9 -> slot.set(splice(rawString()));
      case 10 -> resource.put("id", Hostile.badId(dice));
      case 11 ->
          resource.set(
              "resourceType",
              dice.chance(0.7)
                  ? JSON.getNodeFactory()
                      .textNode(
                          dice.pickOf(
                              "Patient",
                              "Observation",
                              "Bundle",
                              "Consent",
                              "OperationOutcome",
                              "Parameters",
                              "patient",
                              "Foo",
                              "",
                              "Patient ",
                              "DomainResource",
                              "Resource"))
                  : retyped(resource.path("resourceType")));
      default -> {
        ArrayNode many = JSON.createArrayNode();
        JsonNode element =
            slot.get().isContainerNode() ? JSON.getNodeFactory().textNode("x") : slot.get();
        int copies = dice.pickOf(100, 5000, 50_000);
        for (int i = 0; i < copies; i++) {
          many.add(element);
        }
        slot.set(many);
      }
    }
  }

  private static void collect(JsonNode node, List<Slot> slots) {
    if (slots.size() > 3000) {
      return;
    }
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        slots.add(new Slot(object, field.getKey(), -1));
        collect(field.getValue(), slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        slots.add(new Slot(array, null, i));
        collect(array.get(i), slots);
      }
    }
  }

  private void duplicate(Slot slot) {
    if (slot.key() == null) {
      ((ArrayNode) slot.parent()).insert(slot.index(), slot.get().deepCopy());
    } else {
      slot.set(JSON.createArrayNode().add(slot.get().deepCopy()).add(slot.get().deepCopy()));
    }
  }

  private JsonNode retyped(JsonNode value) {
    return switch (dice.below(7)) {
      case 0 -> JSON.getNodeFactory().numberNode(dice.pickOf(0L, -1L, Long.MAX_VALUE, 2147483648L));
      case 1 ->
          JSON.getNodeFactory()
              .textNode(value.isContainerNode() ? value.toString() : value.asText() + "x");
      case 2 -> JSON.getNodeFactory().booleanNode(dice.chance(0.5));
      case 3 -> JSON.getNodeFactory().nullNode();
      case 4 -> JSON.createArrayNode().add(value.deepCopy());
      case 5 -> JSON.createObjectNode().set("value", value.deepCopy());
      default -> value.isArray() ? JSON.createArrayNode() : JSON.createObjectNode();
    };
  }

  private void unknownElement(JsonNode root, List<Slot> slots) {
    List<ObjectNode> objects = new ArrayList<>();
    if (root instanceof ObjectNode object) {
      objects.add(object);
    }
    slots.stream()
        .map(Slot::get)
        .filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast)
        .forEach(objects::add);
    ObjectNode target = dice.pick(objects);
    String key =
        dice.pickOf(
            "foo",
            "_id",
            "_name",
            "@x",
            "",
            "resourceType",
            "extension",
            "modifierExtension",
            "contained",
            "fhir_comments",
            "text",
            "meta",
            "id",
            Hostile.string(dice, 300));
    JsonNode value =
        switch (dice.below(4)) {
          case 0 -> JSON.getNodeFactory().textNode(Hostile.string(dice, 4096));
          case 1 ->
              JSON.createArrayNode()
                  .add(JSON.createObjectNode().put("url", Hostile.string(dice, 300)));
          case 2 ->
              JSON.createObjectNode()
                  .put("resourceType", dice.pickOf("Patient", "Bundle", "Foo"))
                  .put("id", "#");
          default -> JSON.createArrayNode();
        };
    target.set(key, value);
  }

  private static byte[] nested(int depth) {
    String open = depth % 2 == 0 ? "[" : "{\"a\":";
    String close = depth % 2 == 0 ? "]" : "}";
    return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] rawString() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('"');
    out.writeBytes("ab".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(Hostile.rawBytes(dice));
    out.writeBytes("cd".getBytes(StandardCharsets.UTF_8));
    out.write('"');
    return out.toByteArray();
  }

  private JsonNode splice(byte[] replacement) {
    splices.add(replacement);
    return JSON.getNodeFactory().textNode(MARK + (splices.size() - 1) + "@@");
  }

  private byte[] serialize(JsonNode node) {
    String text;
    try {
      text = JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Matcher marker = SPLICE.matcher(text);
    int from = 0;
    while (marker.find()) {
      out.writeBytes(plain(text.substring(from, marker.start())));
      out.writeBytes(splices.get(Integer.parseInt(marker.group(1))));
      from = marker.end();
    }
    out.writeBytes(plain(text.substring(from)));
    return out.size() > MAX_BODY
        ? "{\"resourceType\":\"Basic\"}".getBytes(StandardCharsets.UTF_8)
        : out.toByteArray();
  }

  /** Text between splices; a marker that a later change made part of another string is dropped. */
  private static byte[] plain(String text) {
    return LEFTOVER.matcher(text).replaceAll("x").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A change to the text: truncated, a byte inserted, a key duplicated, comments, a BOM, a
   * different top-level value.
   */
  static byte[] textual(byte[] json, Dice dice) {
    String text = new String(json, StandardCharsets.UTF_8);
    int at = dice.below(text.length() + 1);
    String changed =
        switch (dice.below(9)) {
          case 0 -> text.substring(0, at);
          case 1 ->
              text.substring(0, at)
                  + dice.pickOf(
                      "\u0000", "\"", "{", "}", "[", ",", ":", "\\", "\\u", "\\uD800", "\n")
                  + text.substring(at);
          case 2 ->
              text.replaceFirst(
                  "\\{",
                  "{\""
                      + dice.pickOf("resourceType\":\"Patient", "id\":\"dup", "resourceType\":1")
                      + "\",");
          case 3 -> text + dice.pickOf("}", "}}}", ",", " x", "\u0000", "{}");
          case 4 -> "\uFEFF" + text;
          case 5 -> text.replaceFirst(",", ", /* comment */ ").replaceFirst("\"", "'");
          case 6 ->
              dice.pickOf(
                  "",
                  "null",
                  "[]",
                  "{}",
                  "\"x\"",
                  "1",
                  "[{}]",
                  "{\"resourceType\":null}",
                  "{\"resourceType\":{}}");
          case 7 -> " ".repeat(dice.pickOf(10_000, 500_000)) + text;
          default -> text.replace("\"", "'");
        };
    if (dice.chance(0.05)) {
      return changed.getBytes(StandardCharsets.UTF_16);
    }
    return changed.getBytes(StandardCharsets.UTF_8);
  }
}
