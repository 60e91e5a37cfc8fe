package dev.baton.api;

import java.util.List;

/** Leases, e.g. the answer to {@code GET /v1/leases} or a grant. */
public record LeaseListJson(List<LeaseJson> leases, int count) {
  public static LeaseListJson of(List<dev.baton.leases.Lease> leases) {
    List<LeaseJson> json = leases.stream().map(LeaseJson::from).toList();
    return new LeaseListJson(json, json.size());
  }
}
