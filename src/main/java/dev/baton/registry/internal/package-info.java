/** The registry's implementation; not for use outside the composition root. */
package dev.baton.registry.internal;
