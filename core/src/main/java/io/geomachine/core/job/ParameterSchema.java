package io.geomachine.core.job;

import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A job's declared parameters: type, required, default, bounds, allowed values. Validation reports
 * every problem at once, each naming its field, and rejects parameters the job does not declare.
 */
public final class ParameterSchema {
  private final Map<String, ParameterSpec> specs;

  private ParameterSchema(Map<String, ParameterSpec> specs) {
    this.specs = specs;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<ParameterSpec> specs() {
    return List.copyOf(specs.values());
  }

  public ValidatedParameters validate(JsonObject raw) {
    JsonObject input = raw == null ? new JsonObject() : raw;
    List<FieldError> errors = new ArrayList<>();
    for (String key : input.fieldNames()) {
      if (!specs.containsKey(key)) {
        errors.add(
            new FieldError(
                key, "unknown parameter; this job takes: " + String.join(", ", specs.keySet())));
      }
    }
    JsonObject all = new JsonObject();
    JsonObject identifying = new JsonObject();
    for (ParameterSpec spec : specs.values()) {
      Object value = input.getValue(spec.name());
      if (value == null) {
        if (spec.required()) {
          errors.add(new FieldError(spec.name(), "is required"));
          continue;
        }
        value = spec.defaultValue();
      } else {
        String problem = check(spec, value);
        if (problem != null) {
          errors.add(new FieldError(spec.name(), problem));
          continue;
        }
        value = normalise(spec.type(), value);
      }
      all.put(spec.name(), value);
      if (spec.identifying()) {
        identifying.put(spec.name(), value);
      }
    }
    if (!errors.isEmpty()) {
      throw GeoMachineException.invalidParameters(errors);
    }
    return new ValidatedParameters(all, identifying);
  }

  /** The schema as JSON, for clients and documentation. */
  public JsonObject describe() {
    JsonObject out = new JsonObject();
    for (ParameterSpec s : specs.values()) {
      JsonObject p = new JsonObject().put("type", s.type().label()).put("required", s.required());
      if (s.defaultValue() != null) {
        p.put("default", s.defaultValue());
      }
      if (s.min() != null) {
        p.put("min", s.min());
      }
      if (s.max() != null) {
        p.put("max", s.max());
      }
      if (s.allowedValues() != null) {
        p.put("allowed_values", new JsonArray(new ArrayList<>(s.allowedValues())));
      }
      if (s.pattern() != null) {
        p.put("pattern", s.pattern().pattern());
      }
      p.put("part_of_job_id", s.identifying());
      if (s.description() != null) {
        p.put("description", s.description());
      }
      out.put(s.name(), p);
    }
    return out;
  }

  private static String check(ParameterSpec spec, Object value) {
    switch (spec.type()) {
      case STRING -> {
        if (!(value instanceof String s)) {
          return "must be a string";
        }
        if (spec.pattern() != null && !spec.pattern().matcher(s).matches()) {
          return "must match " + spec.pattern().pattern();
        }
      }
      case INTEGER -> {
        if (!(value instanceof Number n) || !isIntegral(n)) {
          return "must be an integer";
        }
      }
      case NUMBER -> {
        if (!(value instanceof Number n)) {
          return "must be a number";
        }
        if (!Double.isFinite(n.doubleValue())) {
          return "must be a finite number";
        }
      }
      case BOOLEAN -> {
        if (!(value instanceof Boolean)) {
          return "must be true or false";
        }
      }
      case STRING_LIST -> {
        if (!(value instanceof JsonArray a) || !a.stream().allMatch(String.class::isInstance)) {
          return "must be a list of strings";
        }
      }
      case LIST -> {
        if (!(value instanceof JsonArray)) {
          return "must be a list";
        }
      }
      case OBJECT -> {
        if (!(value instanceof JsonObject)) {
          return "must be an object";
        }
      }
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (spec.min() != null && d < spec.min().doubleValue()) {
        return "must be at least " + spec.min() + " (got " + n + ")";
      }
      if (spec.max() != null && d > spec.max().doubleValue()) {
        return "must be at most " + spec.max() + " (got " + n + ")";
      }
    }
    if (spec.allowedValues() != null) {
      Object normal = normalise(spec.type(), value);
      if (!spec.allowedValues().contains(normal)) {
        return "must be one of " + spec.allowedValues() + " (got " + value + ")";
      }
    }
    if (spec.check() != null) {
      return spec.check().apply(value);
    }
    return null;
  }

  private static boolean isIntegral(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return true;
    }
    double d = n.doubleValue();
    return !Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15;
  }

  private static Object normalise(ParamType type, Object value) {
    return switch (type) {
      case INTEGER -> ((Number) value).longValue();
      case NUMBER -> ((Number) value).doubleValue();
      default -> value;
    };
  }

  /** Declares parameters fluently: {@code builder().integer("n").min(1).max(1000).def(3).add()}. */
  public static final class Builder {
    private final Map<String, ParameterSpec> specs = new LinkedHashMap<>();

    public Param string(String name) {
      return new Param(this, name, ParamType.STRING);
    }

    public Param integer(String name) {
      return new Param(this, name, ParamType.INTEGER);
    }

    public Param number(String name) {
      return new Param(this, name, ParamType.NUMBER);
    }

    public Param bool(String name) {
      return new Param(this, name, ParamType.BOOLEAN);
    }

    public Param stringList(String name) {
      return new Param(this, name, ParamType.STRING_LIST);
    }

    public Param object(String name) {
      return new Param(this, name, ParamType.OBJECT);
    }

    public Param list(String name) {
      return new Param(this, name, ParamType.LIST);
    }

    public ParameterSchema build() {
      return new ParameterSchema(new LinkedHashMap<>(specs));
    }

    private Builder add(ParameterSpec spec) {
      if (specs.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("parameter declared twice: " + spec.name());
      }
      return this;
    }
  }

  /** One parameter being declared. */
  public static final class Param {
    private final Builder builder;
    private final String name;
    private final ParamType type;
    private boolean required;
    private Object defaultValue;
    private Number min;
    private Number max;
    private List<Object> allowed;
    private Pattern pattern;
    private boolean identifying = true;
    private String description;
    private Function<Object, String> check;

    private Param(Builder builder, String name, ParamType type) {
      this.builder = builder;
      this.name = name;
      this.type = type;
    }

    public Param required() {
      this.required = true;
      return this;
    }

    public Param def(Object value) {
      this.defaultValue = value == null ? null : normalise(type, value);
      return this;
    }

    public Param min(Number min) {
      this.min = min;
      return this;
    }

    public Param max(Number max) {
      this.max = max;
      return this;
    }

    public Param allowed(Object... values) {
      this.allowed = Arrays.stream(values).map(v -> normalise(type, v)).toList();
      return this;
    }

    public Param pattern(String regex) {
      this.pattern = Pattern.compile(regex);
      return this;
    }

    /** Leaves the parameter out of the job id. */
    public Param notIdentifying() {
      this.identifying = false;
      return this;
    }

    public Param doc(String description) {
      this.description = description;
      return this;
    }

    /**
     * The parameter's own check, run after its type and bounds: returns the problem (reported under
     * the parameter's name) or null.
     */
    public Param check(Function<Object, String> check) {
      this.check = check;
      return this;
    }

    public Builder add() {
      if (required && defaultValue != null) {
        throw new IllegalArgumentException(name + ": a required parameter has no default");
      }
      return builder.add(
          new ParameterSpec(
              name,
              type,
              required,
              defaultValue,
              min,
              max,
              allowed,
              pattern,
              identifying,
              description,
              check));
    }
  }
}
