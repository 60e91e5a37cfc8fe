package dev.baton.api;

import dev.baton.git.Land;
import java.util.List;

/** Lands, oldest first: the answer to {@code GET /v1/lands}. */
public record LandListJson(List<LandJson> lands, int count) {
  public static LandListJson of(List<Land> lands) {
    List<LandJson> json = lands.stream().map(LandJson::from).toList();
    return new LandListJson(json, json.size());
  }
}
