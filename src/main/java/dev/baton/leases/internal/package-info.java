/** The leases capability's implementation; not for use outside the composition root. */
package dev.baton.leases.internal;
