package dev.baton.handoff;

import dev.baton.store.StoreConfig;

class SqliteHandoffTest extends HandoffContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }
}
