/**
 * The event stream: every state change is appended, in the same transaction as the change, and then
 * delivered to live listeners (SSE, dashboards, status lines). Ids only grow, so a client resumes
 * after the last id it saw. Event types are dotted names owned by the capability that emits them.
 * All types here are immutable or thread-safe.
 */
package dev.baton.events;
