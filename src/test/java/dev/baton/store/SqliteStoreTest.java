package dev.baton.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;
  private StoreConfig config;

  @Override
  protected StoreConfig storeConfig() {
    if (config == null) {
      config = StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
    }
    return config;
  }

  @Override
  protected StoreConfig reopenConfig() {
    return config;
  }

  @Test
  void databaseFileIsReadableByItsOwnerOnlyAndInWalMode() throws Exception {
    Path file = dir.resolve("data/baton.db");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }
}
