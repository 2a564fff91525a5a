package org.consentry.bench.fuzz;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Broken FHIR XML: a sample resource encoded by HAPI, then truncated, given unknown or deeply
 * nested elements, entities, a DOCTYPE, a wrong namespace or root, duplicate attributes, bytes that
 * are not UTF-8, or an XHTML narrative with a script.
 */
final class XmlBodies {

  private final FhirContext fhir = FhirContext.forR4Cached();

  byte[] mutated(ObjectNode resource, Dice dice) {
    String text = encode(resource);
    int close = text.indexOf('>', text.indexOf("<") + 1);
    int at = close < 0 ? 0 : close + 1;
    String changed =
        switch (dice.below(13)) {
          case 0 -> text.substring(0, dice.below(text.length() + 1));
          case 1 ->
              insert(
                  text,
                  at,
                  dice.pickOf(
                      "&foo;", "&#0;", "&#x1;", "&#xD800;", "&amp", "&lt;x&gt;", "&#99999999;"));
          case 2 ->
              text.replaceFirst(
                  "xmlns=\"http://hl7.org/fhir\"",
                  dice.pickOf(
                      "",
                      "xmlns=\"http://example.invalid\"",
                      "xmlns=\"\"",
                      "xmlns:f=\"http://hl7.org/fhir\""));
          case 3 ->
              text.replaceFirst(
                  "<[A-Za-z]+ ",
                  "<" + dice.pickOf("Foo", "Bundle", "patient", "f:Patient", "1x") + " ");
          case 4 ->
              insert(
                  text,
                  at,
                  "<"
                      + dice.pickOf("foo", "id", "resourceType", "extension", "contained")
                      + " value=\""
                      + xmlEscape(Hostile.string(dice, 4096))
                      + "\"/>");
          case 5 -> insert(text, at, nested(dice.pickOf(50, 500, 3000)));
          case 6 -> "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"x\">]>" + text;
          case 7 ->
              dice.pickOf(
                      "<?xml version=\"1.1\"?>",
                      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
                      "<?pi x?>",
                      "<?xml version=\"1.0\" encoding=\"x-unknown\"?>",
                      "\uFEFF")
                  + text;
          case 8 ->
              text.replaceFirst(
                  "value=\"[^\"]*\"",
                  "value=\"" + "a".repeat(dice.pickOf(10_000, 1_000_000)) + "\"");
          case 9 -> text.replaceFirst("value=\"", "value=\"a\" value=\"");
          case 10 ->
              insert(text, at, "<![CDATA[" + Hostile.string(dice, 1000).replace("]]>", "") + "]]>");
          case 11 -> text.replaceFirst("value=\"([^\"]*)\"", "value=$1");
          default ->
              text.replaceFirst(
                  "(?s)<div xmlns=\"http://www.w3.org/1999/xhtml\">.*?</div>",
                  "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
                      + dice.pickOf(
                          "<script>alert(1)</script>",
                          "<p>unclosed",
                          "<a href=\"javascript:x\">x</a>",
                          "<img src=x onerror=y/>",
                          "",
                          "<div><div><div>")
                      + "</div>");
        };
    byte[] bytes = changed.getBytes(StandardCharsets.UTF_8);
    if (dice.chance(0.1)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int split = Math.min(at, bytes.length);
      out.write(bytes, 0, split);
      out.writeBytes(Hostile.rawBytes(dice));
      out.write(bytes, split, bytes.length - split);
      return out.toByteArray();
    }
    return bytes;
  }

  private String encode(ObjectNode resource) {
    try {
      return fhir.newXmlParser()
          .encodeResourceToString(fhir.newJsonParser().parseResource(resource.toString()));
    } catch (DataFormatException | IllegalArgumentException e) {
      return "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"x\"/></Patient>";
    }
  }

  private static String insert(String text, int at, String piece) {
    return text.substring(0, Math.min(at, text.length()))
        + piece
        + text.substring(Math.min(at, text.length()));
  }

  private static String nested(int depth) {
    return "<extension url=\"x\">".repeat(depth)
        + "<valueString value=\"x\"/>"
        + "</extension>".repeat(depth);
  }

  private static String xmlEscape(String text) {
    return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }
}
