package dev.baton.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteMemoryStoreTest extends MemoryStoreContract {
  @TempDir Path dir;

  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }
}
