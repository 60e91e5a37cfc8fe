package dev.baton.store.internal;

import dev.baton.core.ErrorCode;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with Flyway; scripts live in {@code db/migration/<backend>}. */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static void migrate(DataSource dataSource, StoreKind kind, String description) {
    try {
      MigrateResult result =
          Flyway.configure(Migrations.class.getClassLoader())
              .dataSource(dataSource)
              .locations("classpath:db/migration/" + kind.wireName())
              .table("baton_schema_history")
              .baselineOnMigrate(false)
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info(
            "migrated {} to schema version {} ({} migrations)",
            description,
            result.targetSchemaVersion,
            result.migrationsExecuted);
      }
    } catch (FlywayException e) {
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE,
          "cannot migrate the schema of " + description + ": " + e.getMessage(),
          e);
    }
  }
}
