package dev.baton.focus;

import dev.baton.store.StoreConfig;

class FocusSqliteTest extends FocusContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }
}
