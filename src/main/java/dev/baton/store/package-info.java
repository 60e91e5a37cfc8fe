/**
 * Persistence for every capability. Only the broker process opens the database. SQLite (WAL, one
 * writer thread, concurrent readers) is the default; PostgreSQL serves several broker nodes. Schema
 * migrations run at start-up (Flyway). Each write is one transaction, and the events it emits are
 * appended in that transaction and published after it commits, in id order. Thread-safe.
 */
package dev.baton.store;
