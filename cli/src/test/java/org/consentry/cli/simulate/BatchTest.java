package org.consentry.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static List<Wearable> wearables(int n) {
    List<Wearable> wearables = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      wearables.add(new Wearable(5, i, "p" + i, "d" + i, WearableTest.START));
    }
    return wearables;
  }

  @Test
  void next_groupsWholeDevicesPerRequest_eachSecondOnce() throws Exception {
    List<Wearable> wearables = wearables(60);
    Map<String, Integer> batchOfDevice = new HashMap<>();
    Map<String, Integer> heartRates = new HashMap<>();
    int batchNumber = 0;
    for (long end = WearableTest.START + 5; end <= WearableTest.START + 60; end += 5) {
      List<Batch> batches = Batch.next(wearables, end, 25);
      assertThat(batches).hasSize(3);
      for (Batch batch : batches) {
        List<String> lines = batch.body().lines().toList();
        assertThat(lines).hasSize(batch.measurements());
        java.util.Set<String> devices = new java.util.HashSet<>();
        for (String line : lines) {
          JsonNode node = JSON.readTree(line);
          String device = node.get("device").asText();
          devices.add(device);
          assertThat(batchOfDevice.computeIfAbsent(device + "@" + end, d -> batches.indexOf(batch)))
              .as("a device's samples of a request stay together")
              .isEqualTo(batches.indexOf(batch));
          assertThat(node.get("patient").asText())
              .isEqualTo(device.replace("Device/d", "Patient/p"));
          if (node.get("code").asText().equals(Wearable.HEART_RATE)) {
            heartRates.merge(device + "@" + node.get("time").asText(), 1, Integer::sum);
          }
        }
        assertThat(devices.size()).isBetween(1, 25);
      }
      assertThat(batches.get(2).body()).contains("Device/d59\"").doesNotContain("Device/d24\"");
      batchNumber++;
    }
    assertThat(batchNumber).isEqualTo(12);
    assertThat(heartRates).hasSize(60 * 60).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
    assertThat(Batch.next(wearables, WearableTest.START + 60, 25)).isEmpty();
    assertThatThrownBy(() -> Batch.next(wearables, WearableTest.START + 65, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
