package dev.baton.focus;

import dev.baton.store.StoreConfig;
import dev.baton.testing.PostgresServer;
import java.nio.file.Path;

class RemindersPostgresTest extends RemindersContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.parse(PostgresServer.require().createDatabase(), Path.of("/unused"), 4);
  }
}
