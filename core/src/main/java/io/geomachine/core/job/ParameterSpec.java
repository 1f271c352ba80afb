package io.geomachine.core.job;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One declared parameter of a job definition.
 *
 * @param identifying whether the value is part of the job id (a knob like {@code failure_rate} that
 *     does not change what the job produces is not)
 * @param check a parameter's own check beyond its type and bounds (the shape of an object or of a
 *     list's elements): the problem, or null when the value is fine; null when there is none
 */
public record ParameterSpec(
    String name,
    ParamType type,
    boolean required,
    Object defaultValue,
    Number min,
    Number max,
    List<Object> allowedValues,
    Pattern pattern,
    boolean identifying,
    String description,
    Function<Object, String> check) {}
