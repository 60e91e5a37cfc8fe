package dev.baton.focus;

import dev.baton.store.StoreConfig;

class RemindersSqliteTest extends RemindersContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }
}
