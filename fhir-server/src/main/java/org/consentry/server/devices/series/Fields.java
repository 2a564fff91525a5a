package org.consentry.server.devices.series;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level fields of one NDJSON line, read with Jackson's streaming parser straight from the
 * request's bytes (no tree, no copy of the line): a string or a number is kept as such, anything
 * else (null, true, an object, an array) only as being there. A later duplicate field wins, as in
 * Jackson's tree.
 */
final class Fields {

  private static final JsonFactory JSON = new JsonFactory();

  /** One field's value: its token, and its text or number. */
  record Value(JsonToken token, String text, double number, long whole, boolean fitsLong) {

    boolean isTextual() {
      return token == JsonToken.VALUE_STRING;
    }

    String asText() {
      return text;
    }

    boolean isNumber() {
      return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    double asDouble() {
      return number;
    }

    /** An integral number that fits a long. */
    boolean isLong() {
      return token == JsonToken.VALUE_NUMBER_INT && fitsLong;
    }

    long asLong() {
      return whole;
    }
  }

  private final Map<String, Value> values = new LinkedHashMap<>(12);

  private Fields() {}

  /**
   * The fields of the JSON object in {@code body[offset, offset + length)}.
   *
   * @throws MeasurementLines.BadLine if it is not one JSON object
   */
  static Fields read(int line, byte[] body, int offset, int length) {
    Fields fields = new Fields();
    try (JsonParser parser = JSON.createParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MeasurementLines.BadLine(line, "not a JSON object");
      }
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        fields.values.put(name, value(parser, value));
      }
      if (parser.nextToken() != null) {
        throw new MeasurementLines.BadLine(line, "not a JSON object");
      }
    } catch (IOException e) {
      throw new MeasurementLines.BadLine(line, "not a JSON object");
    }
    return fields;
  }

  private static Value value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING:
        return new Value(token, parser.getText(), Double.NaN, 0, false);
      case VALUE_NUMBER_INT:
        {
          JsonParser.NumberType type = parser.getNumberType();
          boolean fits = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
          return new Value(
              token, null, parser.getDoubleValue(), fits ? parser.getLongValue() : 0, fits);
        }
      case VALUE_NUMBER_FLOAT:
        return new Value(token, null, parser.getDoubleValue(), 0, false);
      case START_OBJECT:
      case START_ARRAY:
        parser.skipChildren();
        return new Value(token, null, Double.NaN, 0, false);
      default:
        return new Value(token, null, Double.NaN, 0, false);
    }
  }

  Set<String> names() {
    return values.keySet();
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Value get(String name) {
    return values.get(name);
  }
}
