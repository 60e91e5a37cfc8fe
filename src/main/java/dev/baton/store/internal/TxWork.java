package dev.baton.store.internal;

import java.sql.SQLException;

/** Work inside a write transaction. */
@FunctionalInterface
interface TxWork<T> {
  T run(Tx tx) throws SQLException;
}
