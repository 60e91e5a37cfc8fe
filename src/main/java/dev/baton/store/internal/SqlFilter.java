package dev.baton.store.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Equality conditions on text columns, each left out when its value is null. */
final class SqlFilter {
  private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
  private final List<String> values = new ArrayList<>();

  /** Adds {@code column = value} unless the value is null. */
  SqlFilter eq(String column, String value) {
    if (value != null) {
      where.append(" AND ").append(column).append(" = ?");
      values.add(value);
    }
    return this;
  }

  /** The {@code WHERE} clause, starting with a space. */
  String sql() {
    return where.toString();
  }

  /** Binds the values, from the first parameter on. */
  void bind(PreparedStatement ps) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      ps.setString(i + 1, values.get(i));
    }
  }
}
