package dev.baton.api;

/** The focus API contract on SQLite, over the Unix socket. */
class FocusApiSqliteTest extends FocusApiContract {}
