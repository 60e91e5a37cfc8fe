package dev.baton.store;

/** The two store backends. */
public enum StoreKind {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String wireName;

  StoreKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in URLs, health answers and metrics. */
  public String wireName() {
    return wireName;
  }
}
