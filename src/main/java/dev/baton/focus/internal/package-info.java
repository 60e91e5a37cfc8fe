/** The focus timer's implementation: the state machine driven by a tick and by activity. */
package dev.baton.focus.internal;
