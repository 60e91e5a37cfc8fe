package dev.baton.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --instance ID}, defaulting to {@code BATON_INSTANCE}. */
final class InstanceOption {
  @Option(
      names = "--instance",
      paramLabel = "ID",
      defaultValue = "${env:BATON_INSTANCE}",
      description = "The instance to act for (default: $BATON_INSTANCE).")
  String instance;

  String required(CommandSpec spec) {
    if (instance == null || instance.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "no instance: pass --instance ID or set BATON_INSTANCE (baton register prints one)");
    }
    return instance.trim();
  }
}
