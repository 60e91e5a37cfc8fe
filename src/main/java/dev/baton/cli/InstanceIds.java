package dev.baton.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The instance a command acts for: its argument, or {@code BATON_INSTANCE}. */
final class InstanceIds {
  private InstanceIds() {}

  static String required(CommandSpec spec, String id) {
    if (id == null || id.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "no instance id: pass ID or set BATON_INSTANCE");
    }
    return id.trim();
  }
}
