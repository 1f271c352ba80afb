package io.geomachine.core.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What a destructive operation would do, sent back when it is asked for without confirmation: the
 * actions in order, what stays untouched, and what is there now (row counts) to be lost.
 */
@JsonNaming(SnakeCaseStrategy.class)
public record Plan(
    String operation,
    boolean destructive,
    String database,
    List<String> actions,
    List<String> untouched,
    Map<String, Object> current,
    String confirmWith) {}
