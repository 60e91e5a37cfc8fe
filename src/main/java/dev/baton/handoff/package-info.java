/**
 * Handoffs between instances, messages with an inbox per instance, and checkpoints of what each
 * instance was doing, so that an agent or a human can pick up where someone left off.
 */
package dev.baton.handoff;
