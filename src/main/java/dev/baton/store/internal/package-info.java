/**
 * SQL implementations of every capability's store, shared by SQLite and PostgreSQL (the SQL is the
 * same; the schema scripts differ). Not for use outside the composition root.
 */
package dev.baton.store.internal;
