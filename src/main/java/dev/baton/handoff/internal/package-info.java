/** The services of the handoff capability; only the composition root builds them. */
package dev.baton.handoff.internal;
