/** The event stream's implementation; not for use outside the composition root. */
package dev.baton.events.internal;
