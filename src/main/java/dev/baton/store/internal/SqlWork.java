package dev.baton.store.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection inside a read. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
