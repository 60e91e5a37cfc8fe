package dev.baton.store;

import dev.baton.testing.PostgresServer;
import java.nio.file.Path;

class PostgresMemoryStoreTest extends MemoryStoreContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.parse(PostgresServer.require().createDatabase(), Path.of("/unused"), 4);
  }
}
