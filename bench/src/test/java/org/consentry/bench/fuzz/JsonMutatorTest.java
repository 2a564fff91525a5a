package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonMutatorTest {

  private static final Corpus CORPUS = Fixtures.corpus();

  @Test
  void mutate_isTheSameForTheSameSeed() {
    for (long seed = 0; seed < 50; seed++) {
      byte[] first = JsonMutator.mutate(CORPUS.sample("Patient", new Dice(seed)), new Dice(seed));
      byte[] second = JsonMutator.mutate(CORPUS.sample("Patient", new Dice(seed)), new Dice(seed));
      assertThat(first).isEqualTo(second);
    }
  }

  @Test
  void mutate_neverFails_andProducesWhatJacksonCannotHold() {
    boolean notUtf8 = false;
    boolean deep = false;
    boolean notJson = false;
    for (long seed = 0; seed < 3000; seed++) {
      Dice dice = new Dice(seed);
      ObjectNode resource = CORPUS.sample(dice.pick(CORPUS.types()), dice);
      byte[] body = JsonMutator.mutate(resource, dice);
      assertThat(body.length).isLessThanOrEqualTo(3 << 20);
      String text = new String(body, StandardCharsets.UTF_8);
      assertThat(text).doesNotContain("@@splice-");
      notUtf8 |= !utf8(body);
      deep |= text.contains("[".repeat(1001));
      try {
        JsonMutator.JSON.readTree(body);
      } catch (Exception e) {
        notJson = true;
      }
    }
    assertThat(notUtf8).as("some bodies are not UTF-8").isTrue();
    assertThat(deep).as("some bodies nest deeper than Jackson's default limit").isTrue();
    assertThat(notJson).as("some bodies are not JSON").isTrue();
  }

  private static boolean utf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void bytes_leavesTheNodeAsItIs() {
    ObjectNode patient = CORPUS.sample("Patient", new Dice(1));
    assertThat(new String(JsonMutator.bytes(patient), StandardCharsets.UTF_8))
        .isEqualTo(patient.toString());
  }
}
