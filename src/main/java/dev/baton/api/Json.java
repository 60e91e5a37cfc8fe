package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of the wire: unknown fields are ignored, absent fields are null, null
 * fields are left out, times are ISO-8601 strings, and a number or boolean is not a string (an
 * instance id {@code true} or an export path {@code -1} is refused, not read as text). Thread-safe.
 */
public final class Json {
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
          .withCoercionConfig(
              tools.jackson.databind.type.LogicalType.Textual,
              c ->
                  c.setCoercion(
                          tools.jackson.databind.cfg.CoercionInputShape.Integer,
                          tools.jackson.databind.cfg.CoercionAction.Fail)
                      .setCoercion(
                          tools.jackson.databind.cfg.CoercionInputShape.Float,
                          tools.jackson.databind.cfg.CoercionAction.Fail)
                      .setCoercion(
                          tools.jackson.databind.cfg.CoercionInputShape.Boolean,
                          tools.jackson.databind.cfg.CoercionAction.Fail))
          .build();

  private Json() {}
}
