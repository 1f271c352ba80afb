package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LanePlanTest {
  private static final Map<String, Integer> WEIGHT =
      Map.of("gist", 5, "item", 1, "collection", 1, "job", 1, "created", 1, "pkey", 1, "name", 1);

  private static List<List<String>> plan(List<String> items, int lanes) {
    return LanePlan.assign(items, WEIGHT::get, lanes);
  }

  @Test
  void theGistBuildGetsALaneAndTheBtreesShareTheOther() {
    List<String> standard = List.of("item", "collection", "job", "created", "gist", "pkey");
    assertEquals(
        List.of(List.of("gist"), List.of("item", "collection", "job", "created", "pkey")),
        plan(standard, 2));
  }

  @Test
  void aSeventhBuildGoesToTheLeastLoadedLaneAndTiesGoToTheFirst() {
    assertEquals(
        List.of(List.of("gist", "pkey"), List.of("item", "collection", "job", "created", "name")),
        plan(List.of("gist", "item", "collection", "job", "created", "name", "pkey"), 2));
  }

  @Test
  void oneLaneRunsEverythingLongestFirstInOrder() {
    assertEquals(
        List.of(List.of("gist", "item", "pkey", "name")),
        plan(List.of("item", "pkey", "gist", "name"), 1));
  }

  @Test
  void moreLanesThanItemsLeavesNoEmptyLane() {
    assertEquals(List.of(List.of("gist"), List.of("item")), plan(List.of("item", "gist"), 4));
    assertEquals(List.of(), plan(List.of(), 2));
  }

  @Test
  void threeLanesBalanceTwoSlowBuilds() {
    Map<String, Integer> w = Map.of("g1", 5, "g2", 5, "a", 1, "b", 1, "c", 1, "d", 1, "e", 1);
    assertEquals(
        List.of(List.of("g1"), List.of("g2"), List.of("a", "b", "c", "d", "e")),
        LanePlan.assign(List.of("a", "g1", "b", "c", "g2", "d", "e"), w::get, 3));
  }

  @Test
  void indexWeightsFollowTheAccessMethod() {
    assertEquals(LanePlan.TREE_BUILD_WEIGHT, LanePlan.indexWeight("gist"));
    assertEquals(LanePlan.TREE_BUILD_WEIGHT, LanePlan.indexWeight("spgist"));
    assertEquals(LanePlan.TREE_BUILD_WEIGHT, LanePlan.indexWeight("gin"));
    assertEquals(LanePlan.UNIT_WEIGHT, LanePlan.indexWeight("btree"));
    assertEquals(LanePlan.UNIT_WEIGHT, LanePlan.indexWeight("brin"));
  }

  @Test
  void zeroLanesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> plan(List.of("gist"), 0));
  }
}
