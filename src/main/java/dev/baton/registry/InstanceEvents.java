package dev.baton.registry;

/** The event types the registry emits. */
public final class InstanceEvents {
  public static final String REGISTERED = "instance.registered";
  public static final String DEREGISTERED = "instance.deregistered";
  public static final String EXPIRED = "instance.expired";
  public static final String ROLE_CHANGED = "instance.role_changed";

  private InstanceEvents() {}
}
