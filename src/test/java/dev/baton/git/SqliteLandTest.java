package dev.baton.git;

import dev.baton.store.StoreConfig;

class SqliteLandTest extends LandContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }
}
