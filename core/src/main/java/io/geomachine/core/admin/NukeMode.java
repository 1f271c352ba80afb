package io.geomachine.core.admin;

import io.geomachine.core.model.WireNames;

/**
 * What a STAC nuke deletes; the pgstac schema always stays.
 *
 * <ul>
 *   <li>{@code items}: every item; all collections stay.
 *   <li>{@code collections}: every item and every collection except the system collections.
 *   <li>{@code all}: every item, every collection and the registered searches; the system
 *       collections are then recreated empty from code, so the catalog still verifies.
 * </ul>
 */
public enum NukeMode {
  ITEMS("items"),
  COLLECTIONS("collections"),
  ALL("all");

  private final String wireName;

  NukeMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static NukeMode fromWireName(String name) {
    return WireNames.find(values(), NukeMode::wireName, name).orElse(null);
  }
}
